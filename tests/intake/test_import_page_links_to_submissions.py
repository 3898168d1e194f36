"""Staff reach what the API and the form accepted but the worker has not registered from the
imports page."""

from collections.abc import Callable
from typing import Any

from django.test import Client

from safepassage.accounts.models import Role


def test_the_imports_page_links_to_the_submissions_not_registered(
    client_for: Callable[..., tuple[Client, Any]],
) -> None:
    client, _user = client_for(Role.CASEWORKER)
    page = client.get("/intake/imports/").content.decode()
    assert 'href="/intake/submissions/"' in page
    assert client.get("/intake/submissions/").status_code == 200
