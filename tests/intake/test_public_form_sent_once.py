"""The public form as people use it: a reload or a form sent twice registers once, every error
shows at once with a summary, nothing is answered in advance, a household of 15 keeps what was
typed, and `/` offers to register or to check a status."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from safepassage.intake.models import RawSubmission
from safepassage.registry.models import Case, Person
from tests.intake.conftest import register_accepted
from tests.intake.test_public_form import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_wait(settings: Any) -> None:
    settings.INTAKE_FORM_MIN_SECONDS = 0


def test_reloading_the_page_after_registering_registers_no_one_again() -> None:
    client = Client()
    sent = client.post("/register/?lang=en", form_data(client), follow=True)
    reference = re.search(r'id="reference">([^<]+)<', sent.content.decode()).group(1)

    reloaded = client.get("/register/received/?lang=en")
    register_accepted()
    after = client.get("/register/received/?lang=en")

    assert reference in reloaded.content.decode()
    assert 'id="secret"' in reloaded.content.decode()
    assert reference in after.content.decode()
    assert Case.objects.get().reference == reference


def test_the_same_form_sent_twice_registers_once_and_answers_with_the_first_registration() -> None:
    client = Client()
    data = form_data(client)
    first = client.post("/register/?lang=en", data, follow=True)
    second = client.post("/register/?lang=en", data, follow=True)
    register_accepted()

    assert Case.objects.count() == 1
    assert Person.objects.count() == 3
    reference = Case.objects.get().reference
    assert reference in first.content.decode()
    assert reference in second.content.decode()
    assert sorted(RawSubmission.objects.values_list("outcome", flat=True)) == [
        "registered", "resent"]


def test_a_replayed_bot_check_token_registers_no_one_else() -> None:
    owner, replayer = Client(), Client()
    data = form_data(owner)
    owner.post("/register/?lang=en", data)

    replayer.post("/register/?lang=en", {**data, "given_name": "Other", "phone": "0799111222"})
    register_accepted()

    assert Case.objects.count() == 1
    assert RawSubmission.objects.filter(outcome="resent").count() == 1


def test_the_page_after_registering_shows_nothing_to_a_browser_that_did_not_register() -> None:
    client = Client()
    client.post("/register/?lang=en", form_data(client))

    response = Client().get("/register/received/?lang=en")

    assert response.status_code == 302
    assert response["Location"].startswith("/register/")


def test_every_error_shows_at_once_with_a_summary_and_at_each_field() -> None:
    client = Client()
    data = form_data(client, given_name="", phone="0791 23", category="",
                     date_of_birth="31/02/1990", **{"p1-relationship_to_head": ""})
    page = client.post("/register/?lang=en", data).content.decode()

    summary = re.search(r'<div class="card error-summary"[^>]*>(.*?)</div>', page, re.S).group(1)
    for anchor in ("id_given_name", "id_phone", "id_category", "id_date_of_birth",
                   "id_p1-relationship_to_head"):
        assert f'href="#{anchor}"' in summary
        assert f'id="{anchor}"' in page
    assert "There are 5 problems" in summary
    assert page.count('aria-invalid="true"') == 5
    assert 'value="Popalzai"' in page  # what was typed is kept
    assert Case.objects.count() == 0


def test_no_answer_is_chosen_in_advance_for_category_or_relationship() -> None:
    page = Client().get("/register/?lang=en").content.decode()

    for name in ("category", "p1-relationship_to_head", "p2-relationship_to_head"):
        select = re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)
        assert re.search(r'<option value=""[^>]*selected', select)
        assert select.count("selected") == 1


def test_a_form_without_a_category_is_refused_rather_than_registered_as_other() -> None:
    client = Client()
    page = client.post("/register/?lang=en", form_data(client, category="")).content.decode()

    assert Case.objects.count() == 0
    assert "Please choose an answer." in page


@pytest.mark.parametrize("phone", ["0791 234 56", "+93 79 123 4567 89", "0000000000"])
def test_a_phone_number_that_cannot_exist_is_refused(phone: str) -> None:
    client = Client()
    page = client.post("/register/?lang=en", form_data(client, phone=phone)).content.decode()

    assert Case.objects.count() == 0
    assert "This is not a valid phone number" in page or "not an Afghan" in page


@pytest.mark.parametrize("phone", ["0791234567", "+93 79 123 4567", "+44 7700 900123",
                                   "0049 1512 3456789"])
def test_real_afghan_and_international_numbers_are_accepted(phone: str) -> None:
    client = Client()
    client.post("/register/?lang=en", form_data(client, phone=phone))
    register_accepted()

    assert Case.objects.count() == 1


def test_a_household_of_15_is_built_without_javascript_keeping_what_was_typed() -> None:
    client = Client()
    data = form_data(client)
    rows, pages = 3, 0
    while True:
        for n in range(3, rows + 1):
            data |= {f"p{n}-given_name": f"Child{n}", f"p{n}-relationship_to_head": "son"}
        page = client.post("/register/?lang=en",
                           {**data, "rows": str(rows), "more_rows": "1"}).content.decode()
        pages += 1
        assert 'value="Wahid"' in page and f'value="Child{rows}"' in page
        assert "error-summary" not in page
        rows = int(re.search(r'name="rows" value="(\d+)"', page).group(1))
        if 'name="more_rows"' not in page:
            break
    for n in range(3, rows + 1):
        data |= {f"p{n}-given_name": f"Child{n}", f"p{n}-relationship_to_head": "son"}
    client.post("/register/?lang=en", {**data, "rows": str(rows)})
    register_accepted()

    assert rows == 14
    assert Case.objects.get().household.members.count() == 15
    assert RawSubmission.objects.count() == 1  # adding rows is not a submission


def test_the_front_page_offers_to_register_and_to_check_a_status() -> None:
    page = Client().get("/?lang=fa-af").content.decode()

    assert 'href="/register/?lang=fa-af"' in page
    assert 'href="/status/?lang=fa-af"' in page
    assert 'dir="rtl"' in page
