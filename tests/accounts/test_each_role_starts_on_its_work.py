"""After signing in, `/` takes each role to its own work (the first page of its menu, the log
for an auditor), never to an empty welcome."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from safepassage.accounts.models import Role


@pytest.mark.parametrize(("role", "start"), [
    (Role.PARTNER, "/cases/"),
    (Role.CASEWORKER, "/cases/"),
    (Role.GATE_AGENT, "/airlift/gate/"),
    (Role.HOST, "/resettlement/host/"),
    (Role.DIPLOMATIC_OFFICER, "/engagements/"),
    (Role.AUDITOR, "/audit/"),
    (Role.SUPERVISOR, "/cases/"),
])
def test_each_role_starts_on_the_first_page_of_its_menu(
    client_for: Callable[..., tuple[Client, Any]], role: str, start: str,
) -> None:
    client, _user = client_for(role)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(start)
    assert client.get(response["Location"]).status_code == 200
