"""Headers (issue 17, item 7): no copy of a response that carries personal data in any cache, a
Content-Security-Policy without inline script on every page, HSTS with subdomains in production.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from safepassage.accounts import permissions
from safepassage.accounts.models import Role
from safepassage.intake import services as intake
from tests.conftest import person

SRC = Path(__file__).resolve().parent.parent / "src" / "safepassage"
# The offline verifier is one self-contained file used without a network: its scripts are inline
# by design, and its response carries their hashes instead (tests/credentials).
SELF_CONTAINED = {"credentials/templates/credentials/verifier.html"}


@pytest.mark.django_db
def test_a_case_page_and_the_case_list_are_never_stored(client_for, make_case):
    client, _user = client_for(Role.CASEWORKER)
    case = make_case(person())

    for url in ("/cases/", f"/cases/{case.reference}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


@pytest.mark.django_db
def test_the_partner_api_is_never_stored(make_organisation):
    organisation = make_organisation()
    token = intake.create_api_token(actor=permissions.OPERATOR, organisation=organisation,
                                    name="tests")

    response = Client().get("/api/v1/registrations/", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_static_files_keep_their_caching(client):
    response = client.get("/static/safepassage/site.css")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_every_page_carries_a_policy_that_allows_no_inline_script(client_for):
    client, _user = client_for(Role.CASEWORKER)

    for url in ("/cases/", "/register/", "/accounts/sign-in/"):
        response = Client().get(url) if url != "/cases/" else client.get(url)
        policy = response["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]*)", policy)
        assert script_src is not None, url
        assert "'unsafe-inline'" not in script_src.group(1), url
        assert "'unsafe-eval'" not in script_src.group(1), url
        assert "frame-ancestors 'none'" in policy
        assert "object-src 'none'" in policy


def test_no_template_has_an_inline_script_or_event_handler():
    found = []
    for template in SRC.rglob("templates/**/*.html"):
        name = template.relative_to(SRC).as_posix()
        if name in SELF_CONTAINED:
            continue
        text = template.read_text()
        for script in re.finditer(r"<script\b([^>]*)>", text):
            if "src=" not in script.group(1):
                found.append(f"{name}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", text):
            found.append(f"{name}: an on… event handler attribute")
        if "javascript:" in text:
            found.append(f"{name}: a javascript: URL")
        if re.search(r"\sstyle\s*=", text):
            found.append(f"{name}: a style attribute")

    assert found == []


def _production_setting(expression: str, **env: str) -> str:
    key = "A" * 43 + "="
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SAFEPASSAGE_")}
    result = subprocess.run(
        [sys.executable, "-c", f"from safepassage import settings; print(({expression}))"],
        env={**clean, "SAFEPASSAGE_ENV": "production", "SAFEPASSAGE_SECRET_KEY": "x" * 50,
             "SAFEPASSAGE_DATA_KEYS": f"k1:{key}", "SAFEPASSAGE_INDEX_KEY": key, **env},
        capture_output=True, text=True, check=True,
    )
    return result.stdout.strip()


def test_production_sends_hsts_for_a_year_with_subdomains():
    assert _production_setting(
        "settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS"
    ) == "(31536000, True)"


def test_an_operator_can_leave_subdomains_out_of_hsts():
    assert _production_setting(
        "settings.SECURE_HSTS_INCLUDE_SUBDOMAINS", SAFEPASSAGE_HSTS_INCLUDE_SUBDOMAINS="0"
    ) == "False"
