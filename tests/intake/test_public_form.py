"""The public form and status page without a browser: bot check, rate limit, errors in the
person's language, weight on a slow link, and a status that only the secret opens."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.test import Client

from safepassage.intake.models import RawSubmission
from safepassage.registry.models import Case, Person
from tests.intake.conftest import register_accepted

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_wait(settings: Any) -> None:
    settings.INTAKE_FORM_MIN_SECONDS = 0


def form_data(client: Client, lang: str = "en", **overrides: str) -> dict[str, str]:
    page = client.get(f"/register/?lang={lang}").content.decode()
    started = re.search(r'name="started" value="([^"]+)"', page)
    assert started
    data = {
        "rows": "5", "started": started.group(1), "website": "",
        "given_name": "Freshta", "family_name": "Popalzai", "date_of_birth": "1364",
        "sex": "female", "phone": "0791234567", "category": "woman_leader", "send": "1",
        "p1-given_name": "Wahid", "p1-relationship_to_head": "spouse",
        "p1-date_of_birth": "15 Jawza 1360", "p2-given_name": "Maryam",
        "p2-relationship_to_head": "daughter", "p2-date_of_birth": "2010",
    }
    data.update(overrides)
    return data


def without_csrf_token(page: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", page)


def test_a_family_registers_and_gets_a_reference_and_a_secret(no_wait: None) -> None:
    client = Client()
    response = client.post("/register/?lang=en", form_data(client), follow=True)

    assert response.redirect_chain == [("/register/received/?lang=en", 302)]
    reference = re.search(r'id="reference">([^<]+)<', response.content.decode()).group(1)
    assert RawSubmission.objects.get().outcome == "received"  # answered before registering
    assert not Case.objects.exists()
    register_accepted()
    case = Case.objects.get(reference=reference)
    assert case.household.members.count() == 3
    assert case.channel == "web_form"
    assert RawSubmission.objects.get().outcome == "registered"


def test_the_status_page_opens_only_with_the_secret(no_wait: None) -> None:
    client = Client()
    page = client.post("/register/?lang=en", form_data(client), follow=True).content.decode()
    reference = re.search(r'id="reference">([^<]+)<', page).group(1)
    secret = re.search(r'id="secret">([^<]+)<', page).group(1)

    received = client.post("/status/?lang=en", {"reference": reference, "secret": secret})
    early_wrong = client.post("/status/?lang=en",
                              {"reference": reference, "secret": "AAAA-BBBB-CCCC"})
    register_accepted()
    right = client.post("/status/?lang=en", {"reference": reference, "secret": secret})
    wrong = client.post("/status/?lang=en", {"reference": reference, "secret": "AAAA-BBBB-CCCC"})
    unknown = client.post("/status/?lang=en", {"reference": "SP-00000-00000", "secret": secret})

    assert "<strong>Received</strong>" in received.content.decode()
    assert reference in received.content.decode()
    assert "We found no registration" in early_wrong.content.decode()
    assert "Registered" in right.content.decode()
    assert "We found no registration" in wrong.content.decode()
    for response in (wrong, unknown):
        assert reference not in response.content.decode()
        assert "Registered" not in response.content.decode()
    assert without_csrf_token(wrong.content) == without_csrf_token(unknown.content)


def test_a_filled_honeypot_registers_nobody_but_keeps_the_submission(no_wait: None) -> None:
    client = Client()
    response = client.post("/register/", form_data(client, website="http://spam.example"))

    assert Case.objects.count() == 0
    assert RawSubmission.objects.get().outcome == "bot_suspected"
    assert "send the form again" in response.content.decode()


def test_a_form_sent_faster_than_a_person_can_type_is_held() -> None:
    client = Client()
    client.post("/register/", form_data(client))

    assert Case.objects.count() == 0
    assert RawSubmission.objects.get().outcome_detail == {"reason": "too_fast"}


def test_a_client_sending_too_many_forms_is_asked_to_wait(no_wait: None, settings: Any) -> None:
    settings.INTAKE_REGISTRATIONS_PER_HOUR = 2
    client = Client()
    codes = [client.post("/register/", form_data(client, given_name=f"N{i}")).status_code
             for i in range(3)]

    assert codes == [302, 302, 429]
    register_accepted()
    assert Case.objects.count() == 2


def test_errors_name_the_field_in_the_persons_language(no_wait: None) -> None:
    client = Client()
    response = client.post("/register/?lang=fa-af",
                           form_data(client, "fa-af", **{"p1-date_of_birth": "31/02/1990"}))
    page = response.content.decode()

    assert Case.objects.count() == 0
    assert 'dir="rtl"' in page
    assert 'aria-invalid="true"' in page
    assert "تاریخ 31/02/1990 وجود ندارد" in page
    assert RawSubmission.objects.get().outcome == "rejected"


def test_nothing_personal_is_kept_in_clear_in_the_raw_submission(no_wait: None) -> None:
    from django.db import connection

    client = Client()
    client.post("/register/", form_data(client))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT payload FROM {RawSubmission._meta.db_table}")  # noqa: S608
        (stored,) = cursor.fetchone()
    assert "Popalzai" not in stored
    assert "Popalzai" in RawSubmission.objects.get().payload
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT work FROM {RawSubmission._meta.db_table}")  # noqa: S608
        (work,) = cursor.fetchone()
    assert "Popalzai" not in work and "Popalzai" in str(RawSubmission.objects.get().work)
    register_accepted()
    assert Person.objects.count() == 3


@pytest.mark.parametrize("lang", ["en", "fr", "fa-af", "ps"])
def test_the_first_load_weighs_under_60_kb_with_its_css_and_needs_no_javascript(
    lang: str,
) -> None:
    client = Client()
    page = client.get(f"/register/?lang={lang}")
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page.content.decode())
    static = django_settings.STATIC_URL.strip("/") + "/"
    css = b"".join(Path(finders.find(href.split(static, 1)[1])).read_bytes()
                   for href in stylesheets)

    assert stylesheets and css
    assert len(page.content) + len(css) < 60_000
    assert b"<script" not in page.content


def test_labels_belong_to_their_fields_for_screen_readers() -> None:
    page = Client().get("/register/?lang=ps").content.decode()
    ids = set(re.findall(r'<input[^>]* id="([^"]+)"', page)) | set(
        re.findall(r'<select[^>]* id="([^"]+)"', page))
    labelled = set(re.findall(r'<label for="([^"]+)"', page))
    assert ids - {"id_started"} <= labelled


def test_the_status_page_lists_what_we_told_the_person(no_wait: None) -> None:
    client = Client()
    page = client.post("/register/?lang=en", form_data(client), follow=True).content.decode()
    reference = re.search(r'id="reference">([^<]+)<', page).group(1)
    secret = re.search(r'id="secret">([^<]+)<', page).group(1)
    register_accepted()

    right = client.post("/status/?lang=en", {"reference": reference, "secret": secret})
    wrong = client.post("/status/?lang=en", {"reference": reference, "secret": "AAAA-BBBB-CCCC"})

    assert "Your registration was received" in right.content.decode()
    assert "Your registration was received" not in wrong.content.decode()
