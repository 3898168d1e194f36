"""Schemathesis generates requests from our OpenAPI schema, for every operation it documents:
none may cause a server error, and every answer must be one the schema documents (its status,
its media type, its body), problem documents (RFC 9457) included."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from safepassage.wsgi import application

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

EXAMPLES_PER_OPERATION = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


@pytest.fixture
def keep_the_test_connection_open() -> Any:
    """As Django's test client does: the request signals would close the connection
    that holds the test's transaction."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def test_no_request_generated_from_the_schema_causes_a_server_error_or_breaks_the_schema(
    api_token: str, keep_the_test_connection_open: None,
) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {f"{o.method.upper()} {o.path}" for o in operations} == {
        "GET /api/v1/registrations/", "POST /api/v1/registrations/",
        "POST /api/v1/registrations/batch/", "GET /api/v1/registrations/{reference}/",
        "GET /api/v1/submissions/{public_id}/"}
    failures: list[str] = []

    for operation in operations:

        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  derandomize=True, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def call(case: Any) -> None:
            headers = {"Authorization": f"Bearer {api_token}"}
            response = case.call(headers=headers)
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except Exception as failure:  # every kind of failed check is reported
                failures.append(f"{case.method} {case.formatted_path} {response.status_code}: "
                                f"{str(failure)[:600]}")

        call()

    assert failures == []
