"""Each role's menu shows the pages it may use, and no others (the capability table decides)."""

from collections.abc import Callable
from typing import Any

import pytest

from safepassage.accounts.models import Role

pytestmark = pytest.mark.django_db


def menu(client: Any) -> str:
    page = client.get("/", follow=True).content.decode()
    return page.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (Role.GATE_AGENT, ["Gate", "Verifier"], ["Cases", "Flights", "Operations", "Imports"]),
        (Role.PARTNER, ["Cases", "Imports"], ["Duplicates", "Operations", "Rules", "Gate"]),
        (Role.CASEWORKER, ["Cases", "Duplicates", "Rules"], ["Flights", "Operations"]),
        (Role.AIRLIFT_OFFICER, ["Flights", "Gate", "Broadcasts"], ["Engagements", "Imports"]),
        (Role.DIPLOMATIC_OFFICER, ["Engagements"], ["Cases", "Operations", "Broadcasts"]),
        (Role.AUDITOR, ["Operations"], ["Cases", "Engagements", "Flights"]),
    ],
)
def test_the_menu_shows_only_what_the_role_may_use(
    client_for: Callable[..., Any], role: str, shown: list[str], hidden: list[str]
) -> None:
    client, _user = client_for(role)
    links = menu(client)
    for name in shown:
        assert f">{name}</a>" in links, name
    for name in hidden:
        assert f">{name}</a>" not in links, name
