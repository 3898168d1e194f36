"""Intake fixtures: a partner organisation with an API token, and spreadsheet files."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest

from safepassage.accounts import permissions
from safepassage.accounts.models import Organisation
from safepassage.intake import services
from safepassage.intake.records import COLUMNS


def csv_bytes(rows: list[dict[str, str]], columns: tuple[str, ...] | list[str] = COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def good_row(n: int, **overrides: str) -> dict[str, str]:
    row = {
        "external_id": f"NGO-{n:04d}", "given_name": "Zabihullah", "family_name": f"Stanikzai{n}",
        "father_name": "Abdul Rahman", "name_native": "ذبیح الله", "date_of_birth": "1366/03/15",
        "sex": "male", "phone": f"0791{n:06d}", "email": "", "tazkira_number": f"1400-0101-{n:05d}",
        "passport_number": "", "province": "Kabul", "category": "interpreter",
        "household_ref": "", "relationship_to_head": "", "referrer": "Veterans' network",
        "notes": "", "preferred_language": "dari",
    }
    row.update(overrides)
    return row


def register_accepted() -> int:
    """Run the worker's registration of accepted submissions here, to the end (what the
    background runner's intake.tasks.register_submissions does)."""
    return services.register_accepted_submissions()


@pytest.fixture
def partner_org(make_organisation: Callable[..., Organisation]) -> Organisation:
    return make_organisation("Veterans for Afghans")


@pytest.fixture
def api_token(partner_org: Organisation) -> str:
    return services.create_api_token(actor=permissions.OPERATOR, organisation=partner_org,
                                     name="tests")


@pytest.fixture
def import_csv(partner_org: Organisation) -> Callable[..., Any]:
    """Import bytes as the organisation's service account, as the command does."""

    def run(data: bytes, filename: str = "referrals.csv") -> Any:
        actor = services.service_account(partner_org)
        return services.start_import(actor=actor, organisation=partner_org, data=data,
                                     filename=filename, wait=True)

    return run


@pytest.fixture(autouse=True)
def fresh_rate_limits(request: pytest.FixtureRequest) -> Any:
    """The rate limits' counts live in the shared cache, a table of the database: a test that
    uses the database starts and ends with none (the others count nothing)."""
    from django.core.cache import cache

    if not (request.node.get_closest_marker("django_db")
            or {"db", "transactional_db", "live_server"} & set(request.fixturenames)):
        yield
        return
    # An autouse fixture runs before the ones the test names: open the database it asked for.
    for asked in ("transactional_db", "db"):
        if asked in request.fixturenames:
            request.getfixturevalue(asked)
            break
    cache.clear()
    yield
    cache.clear()
