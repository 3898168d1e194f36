"""The partner API: per-organisation tokens, batches, Idempotency-Key, own referrals only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from safepassage.accounts import permissions
from safepassage.accounts.models import Organisation
from safepassage.intake import services
from safepassage.intake.models import IdempotencyRecord, RawSubmission
from safepassage.registry.models import Case, Person
from tests.intake.conftest import register_accepted

pytestmark = pytest.mark.django_db


def api(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def household(n: int, size: int = 3) -> dict[str, Any]:
    members = [{"external_id": f"P-{n}-0", "given_name": "Mohammad", "family_name": f"Karimi{n}",
                "date_of_birth": "1365", "phone": "+93 79 123 4567", "sex": "male"}]
    members += [{"external_id": f"P-{n}-{k}", "given_name": f"Child{k}",
                 "relationship_to_head": "son", "date_of_birth": "1395/01/01"}
                for k in range(1, size)]
    return {"category": "interpreter", "members": members}


def post(client: Client, path: str, body: Any, key: str = "") -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(path, body, content_type="application/json", headers=headers)


def registered(client: Client, accepted: Any) -> dict[str, Any]:
    """The worker registers what was accepted; the submission's status then tells the outcome."""
    assert accepted.status_code == 202, accepted.content
    register_accepted()
    status = client.get(accepted.json()["status_url"])
    assert status.status_code == 200
    return dict(status.json())


def test_a_batch_retried_with_the_same_idempotency_key_creates_nothing_new(api_token: str) -> None:
    client = api(api_token)
    body = {"registrations": [household(n) for n in range(20)]}

    first = post(client, "/api/v1/registrations/batch/", body, key="batch-2021-08-15-a")
    retry_before = post(client, "/api/v1/registrations/batch/", body, key="batch-2021-08-15-a")
    status = registered(client, first)
    people = Person.objects.count()
    retry = post(client, "/api/v1/registrations/batch/", body, key="batch-2021-08-15-a")
    register_accepted()

    assert status["outcome"] == "registered" and status["registered"] == 20
    for again in (retry_before, retry):
        assert again.status_code == 202
        assert again.json() == first.json()
        assert again.headers["Idempotent-Replayed"] == "true"
    assert Person.objects.count() == people == 60
    assert Case.objects.count() == 20
    assert RawSubmission.objects.count() == 1


def test_the_same_people_sent_again_without_a_key_are_unchanged(api_token: str) -> None:
    client = api(api_token)
    first = registered(client, post(client, "/api/v1/registrations/", household(1)))
    again = registered(client, post(client, "/api/v1/registrations/", household(1)))

    assert first["outcome"] == "registered"
    assert again["outcome"] == "unchanged"
    assert again["results"] == [{"outcome": "unchanged",
                                 "reference": first["results"][0]["reference"],
                                 "problems": [], "warnings": []}]
    assert Case.objects.count() == 1


def test_the_same_people_sent_twice_before_the_worker_runs_are_registered_once(
    api_token: str,
) -> None:
    client = api(api_token)
    first = post(client, "/api/v1/registrations/", household(1))
    again = post(client, "/api/v1/registrations/", household(1))
    register_accepted()

    outcomes = sorted(client.get(r.json()["status_url"]).json()["outcome"] for r in (first, again))
    assert outcomes == ["registered", "unchanged"]
    assert Case.objects.count() == 1


def test_a_key_reused_for_a_different_request_is_refused(api_token: str) -> None:
    client = api(api_token)
    post(client, "/api/v1/registrations/", household(1), key="k1")
    other = post(client, "/api/v1/registrations/", household(2), key="k1")
    register_accepted()

    assert other.status_code == 422
    assert other["Content-Type"] == "application/problem+json"
    assert "different request" in other.json()["detail"]
    assert Case.objects.count() == 1


def test_invalid_values_are_answered_field_by_field_and_the_body_is_kept(api_token: str) -> None:
    client = api(api_token)
    body = household(1)
    body["members"][1]["date_of_birth"] = "31/02/1990"
    response = post(client, "/api/v1/registrations/", body)

    assert response.status_code == 422  # at once: the worker is never asked
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()["problems"][0]
    assert problem["field"] == "members[1].date_of_birth"
    assert problem["code"] == "date_impossible"
    assert problem["hint"]
    assert list(response.json()["errors"]) == ["members[1].date_of_birth"]
    submission = RawSubmission.objects.get()
    assert submission.outcome == "rejected"
    assert "31/02/1990" in submission.payload


def test_a_batch_registers_the_valid_households_and_rejects_the_others(api_token: str) -> None:
    bad = household(2)
    bad["category"] = "tourist"
    client = api(api_token)
    status = registered(client, post(client, "/api/v1/registrations/batch/",
                                      {"registrations": [household(1), bad]}))

    assert (status["outcome"], status["registered"], status["rejected"]) == ("partly", 1, 1)
    assert status["results"][1]["problems"][0]["field"] == "category"
    assert RawSubmission.objects.get().outcome == "partly"  # kept, with its reasons


def test_a_batch_of_more_than_1000_is_refused(api_token: str) -> None:
    tiny = {"members": [{"given_name": "A"}]}
    response = post(api(api_token), "/api/v1/registrations/batch/",
                    {"registrations": [tiny] * 1001})

    assert response.status_code == 400
    assert Case.objects.count() == 0


def test_a_partner_sees_the_status_of_its_own_referrals_only(
    api_token: str, make_organisation: Callable[..., Organisation],
) -> None:
    mine_sent = post(api(api_token), "/api/v1/registrations/", household(1))
    other_token = services.create_api_token(actor=permissions.OPERATOR,
                                            organisation=make_organisation(), name="other")
    theirs_sent = post(api(other_token), "/api/v1/registrations/", household(2))
    mine = registered(api(api_token), mine_sent)["results"][0]["reference"]
    theirs = registered(api(other_token), theirs_sent)["results"][0]["reference"]
    assert api(api_token).get(theirs_sent.json()["status_url"]).status_code == 404

    listing = api(api_token).get("/api/v1/registrations/").json()
    assert [r["reference"] for r in listing["results"]] == [mine]
    assert listing["results"][0]["status"] == "registered"
    assert api(api_token).get(f"/api/v1/registrations/{theirs}/").status_code == 404
    found = api(api_token).get("/api/v1/registrations/", {"external_id": "P-1-2"}).json()
    assert found["results"][0]["external_ids"] == ["P-1-0", "P-1-1", "P-1-2"]


def test_no_token_or_a_wrong_token_is_refused() -> None:
    assert Client().get("/api/v1/registrations/").status_code in {401, 403}
    assert api("sp_wrong").get("/api/v1/registrations/").status_code == 401


def test_the_openapi_schema_and_docs_are_served(client: Client) -> None:
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/registrations/batch/" in schema.content
    assert client.get("/api/docs/").status_code == 200


def test_idempotency_records_hold_the_answer_encrypted(api_token: str) -> None:
    post(api(api_token), "/api/v1/registrations/", household(1), key="k-enc")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT response FROM {IdempotencyRecord._meta.db_table}")  # noqa: S608
        (stored,) = cursor.fetchone()
    assert stored.startswith("v1:")


def test_a_token_over_its_rate_limit_is_told_when_to_retry_and_nothing_is_stored(
    api_token: str, partner_org: Organisation, settings: Any
) -> None:
    settings.INTAKE_API_REQUESTS_PER_MINUTE = 2
    client = api(api_token)
    codes = [post(client, "/api/v1/registrations/", household(n)).status_code for n in range(3)]
    assert codes == [202, 202, 429]
    refused = post(client, "/api/v1/registrations/", household(9))
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 61
    assert "throttled" in refused.json()["detail"].lower()
    assert RawSubmission.objects.count() == 2  # refused before anything was kept
    other = services.create_api_token(actor=permissions.OPERATOR, organisation=partner_org,
                                      name="second")
    assert post(api(other), "/api/v1/registrations/", household(5)).status_code == 202
