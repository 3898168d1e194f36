"""A full run's logs (demo data, re-registrations, a linkage run, the public form, staff pages,
errors) are JSON lines with time, level, request id and user id, and not one of the demo
people's names, phone numbers, e-mail addresses or document numbers."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.test import Client

from safepassage.accounts.models import Role
from safepassage.intake import services
from safepassage.operations.logs import JsonLines, RequestContext
from safepassage.registry.models import Case, Person
from tests.intake.test_public_form import form_data

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLines())
    handler.addFilter(RequestContext())
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)  # more than production logs: a stricter scan
    yield stream
    root.removeHandler(handler)
    root.setLevel(previous)


def personal_values() -> set[str]:
    values: set[str] = set()
    for someone in Person.objects.all():
        for name in (someone.given_name, someone.family_name, someone.father_name,
                     someone.name_native):
            values.update(part for part in (name or "").split() if len(part) >= 4)
        values.update(someone.phones or [])
        values.update(v for v in (someone.email, someone.tazkira_number,
                                  someone.passport_number) if v)
    return values


def test_a_full_run_logs_json_lines_without_personal_data(client_for, settings, log_lines):
    settings.INTAKE_FORM_MIN_SECONDS = 0
    call_command("demo_data", households=40, stdout=io.StringIO())
    call_command("demo_reregistrations", households=40, stdout=io.StringIO())
    call_command("link", stdout=io.StringIO())
    public = Client()
    public.post("/register/?lang=en", form_data(public, given_name="Shukria",
                                                family_name="Barakzai", phone="0799555111"))
    public.post("/register/?lang=en", form_data(public, given_name="", phone="not a phone"))
    services.register_accepted_submissions()  # the runner's worker, here
    caseworker, user = client_for(Role.CASEWORKER)
    caseworker.get("/cases/")
    for case in Case.objects.order_by("pk")[:5]:
        caseworker.get(f"/cases/{case.reference}/")
    caseworker.get("/linkage/review/")
    caseworker.get("/cases/SP-NO-SUCH-CASE/")
    caseworker.post("/cases/", {"q": "Barakzai"})

    text = log_lines.getvalue()
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    requests = [line for line in lines if line["logger"] == "safepassage.requests"]
    assert len(requests) >= 10
    assert all({"time", "level", "request_id", "user_id"} <= set(line) for line in requests)
    assert {line["user_id"] for line in requests} >= {None, user.pk}
    assert all(re.fullmatch(r"[0-9a-f]{32}", line["request_id"]) for line in requests)
    leaked = {value for value in personal_values() if value in text}
    assert Person.objects.count() > 100
    assert not leaked, f"personal data in the logs: {sorted(leaked)[:10]}"
    assert user.username not in text
