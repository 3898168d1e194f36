"""Single sign-on through the organisation's OpenID Connect provider, the role taken from its
groups claim, against a local provider that speaks discovery, authorize, token, JWKS, userinfo."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest
import requests
from django.test import Client, override_settings

from safepassage.accounts import oidc
from safepassage.accounts.models import ExternalIdentity, Role, User
from safepassage.audit.models import AuditEntry
from tests.accounts.oidc_provider import LocalOpenIDProvider


@pytest.fixture
def provider() -> Iterator[LocalOpenIDProvider]:
    local = LocalOpenIDProvider(person={
        "sub": "248289761001", "preferred_username": "h.rahimi",
        "groups": ["staff", "sp-supervisors"],
    })
    oidc.discovery.cache_clear()
    settings = {
        "OIDC_ISSUER": local.issuer, "OIDC_ENABLED": True,
        "OIDC_RP_CLIENT_ID": local.client_id, "OIDC_RP_CLIENT_SECRET": local.client_secret,
        "OIDC_ROLE_MAP": [("sp-admins", "administrator"), ("sp-supervisors", "supervisor"),
                          ("sp-caseworkers", "caseworker")],
        "AUTHENTICATION_BACKENDS": ["axes.backends.AxesStandaloneBackend",
                                    "django.contrib.auth.backends.ModelBackend", oidc.BACKEND],
    }
    with override_settings(**settings):
        yield local
    oidc.discovery.cache_clear()
    local.close()


def sign_in_through(provider: LocalOpenIDProvider, client: Client) -> Any:
    """The browser's round trip: to the provider's authorize endpoint and back with a code."""
    start = client.get("/oidc/authenticate/")
    assert start.status_code == 302
    assert start["Location"].startswith(f"{provider.issuer}/authorize?")
    back = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert back.status_code == 302
    callback = urlparse(back.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


@pytest.mark.django_db
def test_a_person_of_the_organisation_signs_in_with_the_role_of_their_group(provider):
    client = Client()

    done = sign_in_through(provider, client)

    assert done.status_code == 302 and "sso=refused" not in done["Location"]
    user = User.objects.get(username="h.rahimi")
    assert user.role == Role.SUPERVISOR and not user.has_usable_password()
    assert ExternalIdentity.objects.get(user=user).subject == "248289761001"
    assert client.get("/cases/").status_code == 200  # the provider's second factor counts
    assert AuditEntry.objects.filter(action="staff.signed_in", actor_id=user.pk).exists()
    assert provider.token_requests == 1


@pytest.mark.django_db
def test_the_role_follows_the_provider_at_each_sign_in(provider):
    sign_in_through(provider, Client())
    provider.person["groups"] = ["sp-caseworkers"]

    sign_in_through(provider, Client())

    assert User.objects.get(username="h.rahimi").role == Role.CASEWORKER
    assert AuditEntry.objects.filter(action="accounts.role_changed").count() == 1


@pytest.mark.django_db
def test_a_person_whose_groups_map_to_no_role_is_refused(provider):
    provider.person["groups"] = ["staff"]
    client = Client()

    done = sign_in_through(provider, client)

    assert "sso=refused" in done["Location"]
    assert not User.objects.filter(username="h.rahimi").exists()
    assert client.get("/cases/").status_code == 302


@pytest.mark.django_db
def test_a_sign_in_without_a_second_factor_at_the_provider_is_refused(provider):
    provider.amr = ["pwd"]

    done = sign_in_through(provider, Client())

    assert "sso=refused" in done["Location"]
    assert not User.objects.filter(username="h.rahimi").exists()


@pytest.mark.django_db
def test_a_deactivated_account_cannot_come_back_through_the_provider(provider):
    sign_in_through(provider, Client())
    User.objects.filter(username="h.rahimi").update(is_active=False)
    client = Client()

    done = sign_in_through(provider, client)

    assert "sso=refused" in done["Location"]
    assert client.get("/cases/").status_code == 302


@pytest.mark.django_db
def test_without_a_provider_configured_the_sso_pages_do_not_exist():
    assert Client().get("/oidc/authenticate/").status_code == 404
    assert "Sign in with" not in Client().get("/accounts/sign-in/").content.decode()
