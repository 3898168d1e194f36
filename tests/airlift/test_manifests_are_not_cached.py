"""A flight's manifests (CSV and PDF) name every passenger: no browser or proxy keeps a copy."""

import pytest

from safepassage.accounts.models import Role
from safepassage.airlift import services
from tests.airlift.conftest import family

pytestmark = pytest.mark.django_db


def test_the_manifests_are_never_stored(client_for, officer, make_ready_case, make_flight):
    flight = make_flight(10)
    make_ready_case(*family("Rahimi", 3), priority=4)
    services.plan_manifests(actor=officer)
    client, _user = client_for(Role.AIRLIFT_OFFICER)

    for kind in ("csv", "pdf"):
        response = client.get(f"/airlift/flights/{flight.pk}/manifest.{kind}")
        assert response.status_code == 200, kind
        assert "no-store" in response["Cache-Control"], kind
