"""The dashboard and the situation report show the phase after the flight: households in
temporary accommodation, nights, placed, resettled, and the longest waiting."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from django.utils import timezone

from safepassage.accounts.models import Role
from safepassage.dashboard.sitrep import build_situation_report
from safepassage.resettlement import selectors, services
from safepassage.resettlement.models import Site
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_the_dashboard_and_the_situation_report_count_stays_nights_and_the_longest_waiting(
        client, arrived_case, resettler, make_user, tmp_path) -> None:
    hotel = services.create_site(actor=resettler, name="Airport Hotel", kind=Site.Kind.HOTEL,
                                 rooms=10, beds=20)
    today = timezone.localdate()
    first, second = arrived_case(name="Ahmadzai"), arrived_case(name="Safi", size=2)
    services.check_in(actor=resettler, case=first, site=hotel, on=today - dt.timedelta(days=9))
    services.check_in(actor=resettler, case=second, site=hotel, on=today - dt.timedelta(days=2))

    figures = selectors.figures()
    assert (figures.arrived, figures.in_accommodation, figures.nights_total) == (2, 2, 11)
    assert [w.case for w in figures.longest] == [first, second]

    supervisor = make_user(Role.SUPERVISOR)
    page = sign_in(client, supervisor).get("/dashboard/").content.decode()
    assert 'id="households-in-accommodation">2<' in page
    assert 'id="nights-in-accommodation">11<' in page
    assert first.reference in page

    pdf = tmp_path / "sitrep.pdf"
    pdf.write_bytes(build_situation_report(actor=supervisor, day=today))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "2 in temporary" in text and "11 nights spent there" in text
    assert first.reference in text
