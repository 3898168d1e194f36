"""The pages a person meets when something is refused or missing: in their language, saying
what to do, never Django's bare developer pages."""

from collections.abc import Callable
from typing import Any

from django.test import Client, RequestFactory
from django.utils import translation
from django.views.defaults import server_error

from safepassage.accounts.models import Role


def test_a_caseworker_on_a_supervisors_page_is_told_the_role_and_what_to_do(
    client_for: Callable[..., tuple[Client, Any]],
) -> None:
    client, _user = client_for(Role.CASEWORKER)
    response = client.get("/dashboard/")
    assert response.status_code == 403
    text = response.content.decode()
    assert "Not open to your role" in text
    assert "Caseworker" in text and "ask a supervisor or an administrator" in text
    assert "Back to your start page" in text


def test_a_missing_page_is_said_in_dari_right_to_left(client: Client, db: Any) -> None:
    client.cookies["django_language"] = "fa-af"
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert 'dir="rtl"' in text
    assert "صفحه پیدا نشد" in text
    assert "Not Found" not in text


def test_an_expired_form_says_nothing_was_sent_and_how_to_send_it_again(db: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "fr"
    response = client.post("/register/", {"given_name": "Ahmad"})
    assert response.status_code == 403
    text = response.content.decode()
    assert "Le formulaire a expiré" in text
    assert "CSRF" not in text


def test_a_server_error_page_stands_alone_and_blames_no_one(db: Any) -> None:
    request = RequestFactory().get("/")
    with translation.override("ps"):
        response = server_error(request)
    assert response.status_code == 500
    text = response.content.decode()
    assert "زموږ له خوا ستونزه رامنځته شوه" in text
    assert 'dir="rtl"' in text
