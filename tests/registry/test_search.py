from safepassage.accounts.models import Role
from safepassage.audit.models import AuditEntry
from safepassage.registry import selectors
from tests.conftest import person


def test_a_phone_look_up_finds_the_person_through_the_blind_index(make_case, make_user):
    case = make_case(person(phones=["+93791234567"]))
    make_case(person(phones=["+93700000001"], given_name="Other"))
    caseworker = make_user(Role.CASEWORKER)

    for typed in ["0791234567", "+93 79 123 4567", "0093 79 123 4567"]:
        found = selectors.search_cases(actor=caseworker, text=typed)
        assert [c.reference for c in found] == [case.reference], typed


def test_a_name_search_needs_every_word_typed(make_case, make_user):
    wanted = make_case(person(given_name="Farid", family_name="Rahimi"))
    make_case(person(given_name="Farid", family_name="Hashimi", phones=[]))
    caseworker = make_user(Role.CASEWORKER)

    found = selectors.search_cases(actor=caseworker, text="farid RAHIMI")

    assert [c.reference for c in found] == [wanted.reference]


def test_a_reference_search_accepts_it_typed_loosely(make_case, make_user):
    case = make_case()
    typed = case.reference.lower().replace("-", " ")

    found = selectors.search_cases(actor=make_user(Role.CASEWORKER), text=typed)

    assert [c.reference for c in found] == [case.reference]


def test_a_search_is_audited_without_what_was_typed(make_case, make_user):
    make_case()
    caseworker = make_user(Role.CASEWORKER)

    selectors.search_cases(actor=caseworker, text="Zabihullah")

    entry = AuditEntry.objects.get(action="case.search")
    assert entry.details == {"by": "name", "results": 1}


def test_the_search_form_posts_so_no_name_lands_in_a_url(make_case, client_for):
    case = make_case()
    client, _user = client_for(Role.CASEWORKER)

    page = client.post("/cases/", {"q": "Stanikzai"})

    assert page.status_code == 200
    assert case.reference in page.content.decode()
    assert "Zabihullah Stanikzai" in page.content.decode()
