"""Every malformed body sent to the partner API is a 4xx, never a 500, and every raw submission
reaches a final state, refused bodies included (issue 17, item 5): deep nesting is refused before
the JSON parser sees it, with a problem document naming the limit."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from safepassage.intake.bounded_json import nesting_depth
from safepassage.intake.models import Outcome, RawSubmission
from safepassage.registry.models import Case
from tests.intake.test_partner_api import api, household

pytestmark = pytest.mark.django_db

ONE, BATCH = "/api/v1/registrations/", "/api/v1/registrations/batch/"


def nested(levels: int) -> bytes:
    return b'{"members":' + b"[" * levels + b"]" * levels + b"}"


def send(client: Client, path: str, body: bytes, content_type: str = "application/json") -> Any:
    return client.generic("POST", path, body, content_type=content_type)


def test_json_nested_5000_levels_is_a_400_naming_the_limit(api_token: str) -> None:
    response = send(api(api_token), ONE, nested(5000))

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["limit"]["name"] == "SAFEPASSAGE_API_MAX_JSON_DEPTH"
    assert problem["limit"]["value"] == 20
    assert "20 levels" in problem["detail"]
    submission = RawSubmission.objects.get()
    assert submission.outcome == Outcome.REJECTED
    assert submission.outcome_detail["error"] == "body_over_limit"


def test_a_batch_nested_3000_levels_is_a_400(api_token: str) -> None:
    body = b'{"registrations":[' + nested(3000) + b"]}"
    response = send(api(api_token), BATCH, body)

    assert response.status_code == 400
    assert response.json()["limit"]["name"] == "SAFEPASSAGE_API_MAX_JSON_DEPTH"


def test_a_body_over_the_size_limit_is_refused_unread_with_a_record_of_the_refusal(
    api_token: str, settings: Any,
) -> None:
    settings.INTAKE_API_MAX_BODY_BYTES = 5000
    body = json.dumps({"registrations": [household(n) for n in range(40)]}).encode()

    response = send(api(api_token), BATCH, body)

    assert response.status_code == 413  # Content Too Large (RFC 9110)
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["limit"] == {"name": "SAFEPASSAGE_API_MAX_BODY_BYTES", "value": 5000,
                                         "figure": len(body)}
    submission = RawSubmission.objects.get()
    assert submission.outcome == Outcome.REJECTED
    assert submission.payload == ""  # nothing stored but the record of the refusal
    assert not Case.objects.exists()


def test_brackets_inside_strings_do_not_count_as_nesting(api_token: str) -> None:
    member = {**household(1)["members"][0], "notes": "[[[{{{" * 30 + '\\"]]'}
    body = json.dumps({"category": "interpreter", "members": [member]}).encode()

    assert nesting_depth(body, stop_above=20) == 3
    assert send(api(api_token), ONE, body).status_code == 202


BAD_BODIES: list[tuple[str, bytes, str]] = [
    (ONE, nested(5000), "application/json"),
    (BATCH, b'{"registrations":[' + nested(3000) + b"]}", "application/json"),
    (ONE, b"[" * 100_000, "application/json"),
    (ONE, b'{"members": [{"given_name": "\xff\xfe\xfa"}]}', "application/json"),
    (ONE, b'{"members": [', "application/json"),
    (ONE, b"", "application/json"),
    (ONE, b"null", "application/json"),
    (BATCH, b"5", "application/json"),
    (BATCH, b'{"registrations": "all of them"}', "application/json"),
    (ONE, b'{"members": [{"given_name": NaN}]}', "application/json"),
    (ONE, json.dumps(household(9)).encode(), "text/plain"),
    (ONE, json.dumps(household(9)).encode(), "application/xml"),
    (BATCH, b"<registrations/>", "text/xml"),
    (ONE, b"given_name=Ali", "application/x-www-form-urlencoded"),
    (ONE, b"--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n[[[[\r\n",
     "multipart/form-data; boundary=x"),
    (ONE, json.dumps(household(9)).encode(), "application/json; charset=utf-16"),
    (ONE, b"\xef\xbb\xbf" + b"{" * 3000, "application/json"),
    (BATCH, b'{"registrations":' + b"[" * 25 + b"]" * 25 + b"}", "application/json"),
]


def test_a_barrage_of_bad_bodies_gets_4xx_and_leaves_no_submission_received(
    api_token: str, settings: Any,
) -> None:
    settings.INTAKE_API_MAX_BODY_BYTES = 50_000
    client = api(api_token)
    bodies = [*BAD_BODIES, (BATCH, b'{"registrations":["' + b"x" * 60_000 + b'"]}',
                            "application/json")]
    responses = [send(client, path, body, content_type) for path, body, content_type in bodies]
    statuses = [r.status_code for r in responses]

    assert all(400 <= s < 500 for s in statuses), statuses
    assert {r["Content-Type"] for r in responses} == {"application/problem+json"}
    assert all({"type", "title", "status", "detail", "instance"} <= set(r.json())
               for r in responses)
    assert 415 in statuses
    assert RawSubmission.objects.count() == len(bodies)
    assert not RawSubmission.objects.filter(outcome=Outcome.RECEIVED).exists()
    assert not RawSubmission.objects.filter(processed_at__isnull=True).exists()
