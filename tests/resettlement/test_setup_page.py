"""Staff set up sites, places, hosts and programmes from one page; a bad line says which."""

from __future__ import annotations

import pytest

from safepassage.accounts.models import Role
from safepassage.resettlement.models import Place, Programme, Site
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_staff_create_a_site_a_place_a_host_link_and_a_programme(client, resettler,
                                                                 make_user) -> None:
    sign_in(client, resettler)
    host = make_user(Role.HOST)
    client.post("/resettlement/setup/", {"which": "site", "site-name": "Hotel Meridian",
                                         "site-kind": "hotel", "site-rooms": "40",
                                         "site-beds": "90"})
    client.post("/resettlement/setup/", {
        "which": "place", "place-name": "Villeurbanne", "place-kind": "community",
        "place-period_start": "2021-09-01", "place-period_end": "2022-08-31",
        "place-children": "20", "place-adults": "25", "place-seniors": "3",
        "place-units_small": "2", "place-units_medium": "5", "place-units_large": "2",
        "place-services": ["school", "medical_care"], "place-languages": ["prs"]})
    place = Place.objects.get(name="Villeurbanne")
    client.post("/resettlement/setup/", {"which": "host", "host-place": str(place.pk),
                                         "host-username": host.username})
    client.post("/resettlement/setup/", {
        "which": "programme", "programme-name": "Afghan resettlement",
        "programme-is_default": "on",
        "programme-steps": "Met at arrival | 0 | caseworker | required\n"
                           "School enrolment | 30 | host | required\n"
                           "Outcome check-in | 90 | caseworker | optional\n"})

    assert Site.objects.get(name="Hotel Meridian").beds == 90
    assert (place.services, place.languages, place.adults) == (["medical_care", "school"],
                                                               ["prs"], 25)
    assert list(place.hosts.all()) == [host]
    programme = Programme.objects.get(name="Afghan resettlement")
    assert programme.is_default
    assert [(s.name, s.due_days, s.done_by, s.required) for s in programme.steps.all()] == [
        ("Met at arrival", 0, "caseworker", True), ("School enrolment", 30, "host", True),
        ("Outcome check-in", 90, "caseworker", False)]


def test_a_bad_milestone_line_and_a_non_host_account_are_told_beside_the_field(
        client, resettler, make_user, make_place) -> None:
    sign_in(client, resettler)
    page = client.post("/resettlement/setup/", {
        "which": "programme", "programme-name": "P",
        "programme-steps": "Met at arrival | soon | caseworker | required"}).content.decode()
    assert "Line 1: write name | days | caseworker or host | required or optional." in page
    page = client.post("/resettlement/setup/", {
        "which": "host", "host-place": str(make_place().pk),
        "host-username": make_user(Role.CASEWORKER).username}).content.decode()
    assert "No host account has this user name" in page
    assert not Programme.objects.exists()
