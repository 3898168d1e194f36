"""Accept, then register (issue 22, item 1; decision 0092): the API answers 202 before anything
is registered, the runner's worker registers in batches, and what it cannot register is kept
with its reasons for the partner (status URL) and for staff."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from safepassage.accounts.models import Role
from safepassage.intake.models import Outcome, RawSubmission
from safepassage.registry.models import Case
from tests.conftest import run_ready_tasks
from tests.intake.test_partner_api import api, household, post

pytestmark = pytest.mark.django_db

TASK = "safepassage.intake.tasks.register_submissions"


def test_the_api_answers_202_before_registering_and_the_runner_registers(api_token: str) -> None:
    client = api(api_token)
    accepted = post(client, "/api/v1/registrations/batch/",
                    {"registrations": [household(n) for n in range(5)]}, key="k-202")

    assert accepted.status_code == 202
    assert accepted["Location"] == accepted.json()["status_url"]
    assert accepted.json()["outcome"] == "received" and accepted.json()["results"] == []
    assert not Case.objects.exists()  # the answer did not wait for the registration
    assert DBTaskResult.objects.filter(task_path=TASK).exists()  # the worker was woken
    assert client.get(accepted.json()["status_url"]).json()["outcome"] == "received"

    run_ready_tasks()

    status = client.get(accepted.json()["status_url"]).json()
    assert (status["outcome"], status["registered"]) == ("registered", 5)
    assert sorted(r["reference"] for r in status["results"]) == sorted(
        Case.objects.values_list("reference", flat=True))
    assert status["processed_at"] is not None


def test_a_household_the_worker_cannot_register_is_kept_with_its_reasons_for_staff(
    api_token: str, client_for: Callable[..., Any],
) -> None:
    client = api(api_token)
    post(client, "/api/v1/registrations/", household(1))
    run_ready_tasks()
    # Its first member was registered before in another household: only the worker can know.
    moved = household(2)
    moved["members"][1]["external_id"] = "P-1-0"
    held = post(client, "/api/v1/registrations/batch/", {"registrations": [moved]})
    run_ready_tasks()

    status = client.get(held.json()["status_url"]).json()
    assert (status["outcome"], status["rejected"]) == ("rejected", 1)
    [problem] = status["results"][0]["problems"]
    assert problem["code"] == "external_id_registered_elsewhere" and problem["hint"]
    kept = RawSubmission.objects.get(public_id=held.json()["id"])
    assert kept.outcome == Outcome.REJECTED and "P-1-0" in kept.payload  # never dropped

    staff, _user = client_for(Role.CASEWORKER)
    page = staff.get("/intake/submissions/").content.decode()
    assert "Some of these people were registered before in another household." in page
    assert client_for(Role.GATE_AGENT)[0].get("/intake/submissions/").status_code == 403


@pytest.mark.parametrize(("method", "path", "headers", "status"), [
    ("get", "/api/v1/registrations/", {}, 401),
    ("get", "/api/v1/registrations/SP-00000-00000/", None, 404),
    ("get", "/api/v1/submissions/00000000-0000-4000-8000-000000000000/", None, 404),
    ("delete", "/api/v1/registrations/", None, 405),
    ("get", "/api/v1/registrations/", {"Accept": "application/xml"}, 406),
    ("post", "/api/v1/registrations/", {"Content-Type": "text/plain"}, 415),
    ("get", "/api/v1/no-such-thing/", None, 404),
])
def test_every_api_error_is_a_problem_document(
    api_token: str, method: str, path: str, headers: dict[str, str] | None, status: int,
) -> None:
    client = Client() if headers == {} else api(api_token)
    extra = dict(headers or {})
    content_type = extra.pop("Content-Type", "application/json")
    response = getattr(client, method)(path, **({"data": b"x", "content_type": content_type}
                                               if method == "post" else {}), headers=extra)

    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["instance"] == path
    assert body["type"] == "about:blank" and body["title"] and body["detail"]


def test_field_errors_are_in_an_errors_member(api_token: str) -> None:
    response = post(api(api_token), "/api/v1/registrations/", {"members": [{"sex": "x"}]})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "given_name" in str(response.json()["errors"]["members"])  # by member, by field
