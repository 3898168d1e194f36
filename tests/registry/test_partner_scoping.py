import pytest
from django.core.exceptions import PermissionDenied

from safepassage.accounts.models import Role
from safepassage.registry import selectors
from safepassage.registry.models import Case


def test_a_partner_cannot_see_another_partners_case(make_case, make_organisation, client_for):
    ours, theirs = make_organisation("Ours"), make_organisation("Theirs")
    our_case = make_case(organisation=ours)
    their_case = make_case(organisation=theirs)
    client, partner = client_for(Role.PARTNER, ours)

    assert client.get(f"/cases/{our_case.reference}/").status_code == 200
    assert client.get(f"/cases/{their_case.reference}/").status_code == 404
    with pytest.raises(Case.DoesNotExist):
        selectors.get_case_file(actor=partner, reference=their_case.reference)
    listed = client.get("/cases/").content.decode()
    assert our_case.reference in listed
    assert their_case.reference not in listed


def test_a_partner_asking_for_another_case_gets_the_same_404_as_for_no_case(
    make_case, make_organisation, client_for
):
    their_case = make_case(organisation=make_organisation())
    client, _partner = client_for(Role.PARTNER)

    other = client.get(f"/cases/{their_case.reference}/")
    missing = client.get("/cases/SP-0000-0000/")

    assert other.status_code == missing.status_code == 404


def test_a_gate_agent_cannot_read_a_persons_file(make_case, client_for):
    case = make_case()
    client, agent = client_for(Role.GATE_AGENT)

    assert client.get(f"/cases/{case.reference}/").status_code == 403
    assert client.get("/cases/").status_code == 403
    with pytest.raises(PermissionDenied):
        selectors.get_case_file(actor=agent, reference=case.reference)


def test_reading_a_case_file_is_audited(make_case, make_user):
    from safepassage.audit.models import AuditEntry

    case = make_case()
    caseworker = make_user(Role.CASEWORKER)

    selectors.get_case_file(actor=caseworker, reference=case.reference)

    read = AuditEntry.objects.get(action="case.file_read", object_id=case.reference)
    assert read.actor == caseworker.username
