"""A search that finds hundreds of cases is paged to the last one, and the words searched never
land in a URL, even from page to page."""

from __future__ import annotations

import re
from typing import Any

import pytest

from safepassage.accounts import permissions
from safepassage.accounts.models import Role
from safepassage.registry.models import Channel
from safepassage.registry.services import HouseholdData, register_households
from tests.conftest import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def namesakes() -> set[str]:
    cases = register_households(actor=permissions.DEMO, channel=Channel.DEMO, households=[
        HouseholdData(members=[person(given_name="Farid", family_name="Rahimi", phones=[],
                                      tazkira_number=f"1400{n:08d}", passport_number="")],
                      category="interpreter") for n in range(230)])
    return {c.reference for c in cases}


def test_a_search_past_200_results_reaches_every_case_page_by_page(
    namesakes: set[str], client_for: Any,
) -> None:
    client, _user = client_for(Role.CASEWORKER)
    seen: list[str] = []
    page_number: str | None = None
    while True:
        data = {"q": "Farid Rahimi"} | ({"page": page_number} if page_number else {})
        response = client.post("/cases/", data)
        page = response.content.decode()
        seen += re.findall(r'href="/cases/(SP-[0-9A-Z-]+)/"', page)
        assert "230 cases found." in page
        assert "Rahimi" not in response.wsgi_request.get_full_path()
        following = re.search(r'name="page" value="(\d+)">Next<', page)
        if not following:
            break
        page_number = following.group(1)

    assert len(seen) == 230
    assert set(seen) == namesakes
    assert "Page 5 of 5" in page
