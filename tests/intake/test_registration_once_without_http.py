"""The partner API's registration is one service, register_from_api: a command or a background
job gets the same answer, the same raw submission and the same once-only guarantee as a request."""

from __future__ import annotations

import json
from typing import Any

import pytest

from safepassage.accounts.models import Organisation
from safepassage.intake import services
from safepassage.intake.models import Outcome, RawSubmission
from safepassage.registry.models import Case
from tests.intake.conftest import register_accepted
from tests.intake.test_partner_api import household

pytestmark = pytest.mark.django_db


def _send(organisation: Organisation, households: list[dict[str, Any]], key: str,
          shape_errors: Any = None) -> services.ApiAnswer:
    body = json.dumps({"registrations": households}).encode()
    return services.register_from_api(
        actor=services.service_account(organisation), organisation=organisation, body=body,
        content_type="application/json", idempotency_key=key, batch=True,
        read=lambda: services.ApiRegistrations(households=households,
                                               shape_errors=shape_errors),
    )


def test_a_retried_batch_is_answered_the_same_and_registers_nothing_twice(
    partner_org: Organisation,
) -> None:
    first = _send(partner_org, [household(1), household(2)], key="batch-1")
    register_accepted()
    again = _send(partner_org, [household(1), household(2)], key="batch-1")
    register_accepted()

    assert (first.status, first.body["outcome"], first.replayed) == (202, "received", False)
    assert (again.status, again.body, again.replayed) == (202, first.body, True)
    assert Case.objects.count() == 2
    assert RawSubmission.objects.count() == 1  # a known retry is answered before anything
    assert RawSubmission.objects.get().outcome == Outcome.REGISTERED


def test_another_body_under_a_used_key_is_refused(partner_org: Organisation) -> None:
    _send(partner_org, [household(1)], key="batch-1")
    refused = _send(partner_org, [household(2)], key="batch-1")
    register_accepted()

    assert refused.status == 422 and "different request" in refused.body["detail"]
    assert Case.objects.count() == 1


def test_a_body_of_the_wrong_shape_is_kept_and_answered_with_its_errors(
    partner_org: Organisation,
) -> None:
    answer = _send(partner_org, [], key="", shape_errors={"registrations": ["Required."]})

    assert answer.status == 400 and answer.body["errors"] == {"registrations": ["Required."]}
    assert RawSubmission.objects.get().outcome == Outcome.REJECTED
