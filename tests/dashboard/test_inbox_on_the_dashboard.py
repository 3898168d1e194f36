"""Leadership sees on the dashboard how many messages nobody has opened and how long the
oldest has waited: an unread inbox is how 2021 failed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from safepassage.accounts import permissions
from safepassage.accounts.models import Role
from safepassage.messaging.inbox import receive_inbound
from safepassage.registry.models import Case
from tests.conftest import person


def test_the_dashboard_shows_unread_and_oldest_waiting(
        client_for: Any, make_case: Callable[..., Case]) -> None:
    make_case(person(phones=["+93791234567"]))
    three_hours_ago = timezone.now() - dt.timedelta(hours=3, minutes=5)
    for n, (sender, text) in enumerate([("+93791234567", "Where do we go?"),
                                        ("+447700900123", "Help my family"),
                                        ("+93791234567", "status")]):
        receive_inbound(actor=permissions.SMS_GATEWAY, via="sms", provider_id=f"in-{n}",
                        sender=sender, text=text, received_at=three_hours_ago)
    supervisor, _user = client_for(Role.SUPERVISOR)

    page = supervisor.get("/dashboard/").content.decode()

    assert 'id="dashboard-inbox-unread">2<' in page  # the status keyword was answered
    assert 'id="dashboard-inbox-waiting">2<' in page
    assert 'id="dashboard-inbox-oldest">3 h<' in page
