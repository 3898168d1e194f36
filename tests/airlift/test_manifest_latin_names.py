"""A family that wrote its names only in Dari has Latin names on the manifest, in the ICAO
Doc 9303 form (A-Z and `<`), and on the gate list."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest

from safepassage.accounts.models import Role
from safepassage.airlift import services
from tests.conftest import person

pytestmark = pytest.mark.django_db


def test_a_family_named_only_in_dari_flies_under_latin_names_in_the_icao_form(
    officer: Any, make_ready_case: Any, make_flight: Any, client_for: Any,
) -> None:
    flight = make_flight(10)
    make_ready_case(person(given_name="ذبیح الله", family_name="ستانکزی",
                           passport_number="P01234567"),
                    person(given_name="عبدالرحمن", family_name="ستانکزی",
                           relationship_to_head="son", passport_number="P07654321"),
                    priority=1)
    services.plan_manifests(actor=officer)
    client, _user = client_for(Role.AIRLIFT_OFFICER)

    rows = list(csv.DictReader(io.StringIO(
        client.get(f"/airlift/flights/{flight.pk}/manifest.csv").content.decode())))

    assert {r["family_name"] for r in rows} == {"STANIKZAI"}
    assert {r["given_names"] for r in rows} == {"ZABIHULLAH", "ABDUL<RAHMAN"}
    for row in rows:
        assert re.fullmatch(r"[A-Z<]+", row["family_name"] + row["given_names"])
