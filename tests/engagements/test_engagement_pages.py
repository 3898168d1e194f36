"""The pages of the diplomatic log, and who may open them."""

from __future__ import annotations

from typing import Any

import pytest

from safepassage.accounts.models import Role
from safepassage.engagements.models import FollowUp, Meeting

pytestmark = pytest.mark.django_db

FORM = {
    "held_on": "2021-10-12", "place": "Doha", "format": "in_person",
    "counterpart": "Deputy foreign minister", "our_demands": "Safe passage\nAirport open",
    "concerns": "Entry into our embassy property", "their_demands": "", "topics": "",
    "follow_up_1_action": "Send the record", "follow_up_1_owner": "Desk officer",
    "follow_up_1_due": "2021-10-15", "memo": "Tone was cordial.",
}


@pytest.mark.parametrize("role", [Role.PARTNER, Role.CASEWORKER, Role.AUDITOR,
                                  Role.AIRLIFT_OFFICER])
def test_other_roles_cannot_open_the_engagements_log(client_for: Any, role: str) -> None:
    client, _user = client_for(role)
    assert client.get("/engagements/").status_code == 403
    assert client.get("/engagements/new/").status_code == 403


def test_an_officer_records_a_meeting_through_the_form_and_a_supervisor_reads_it(
    client_for: Any
) -> None:
    client, _officer = client_for(Role.DIPLOMATIC_OFFICER)
    response = client.post("/engagements/new/", FORM)
    recorded = Meeting.objects.get()
    assert response.status_code == 302
    assert recorded.subjects.count() == 3
    assert FollowUp.objects.get().owner == "Desk officer"

    supervisor, _user = client_for(Role.SUPERVISOR)
    page = supervisor.get(f"/engagements/{recorded.pk}/").content.decode()
    assert "Tone was cordial." in page and "Mark done" not in page
    assert supervisor.get("/engagements/new/").status_code == 403


def test_a_form_with_errors_is_shown_again_with_the_field_named(client_for: Any) -> None:
    client, _officer = client_for(Role.DIPLOMATIC_OFFICER)
    response = client.post("/engagements/new/", {**FORM, "counterpart": "",
                                                 "follow_up_1_owner": "",
                                                 "held_on": "12 Oct"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"counterpart", "follow_up_1_owner",
                                                    "held_on"}
    assert not Meeting.objects.exists()


def test_the_officer_marks_a_follow_up_done(client_for: Any) -> None:
    client, _officer = client_for(Role.DIPLOMATIC_OFFICER)
    client.post("/engagements/new/", FORM)
    follow_up = FollowUp.objects.get()
    client.post(f"/engagements/follow-ups/{follow_up.pk}/done/")
    follow_up.refresh_from_db()
    assert follow_up.done_on is not None
