"""`safepassage pull-submissions`: a form's submissions pulled from KoboToolbox's REST API or
ODK Central's OData feed, against a stand-in server (a thread in the test) that speaks their
documented answers: paging (`next`, `@odata.nextLink`), 401, 404 and 429 with Retry-After.
Pulling twice imports nothing new."""

from __future__ import annotations

import base64
import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safepassage.accounts.models import Organisation
from safepassage.intake.models import RawSubmission
from safepassage.registry.models import Person
from tests.intake.field_exports import PEOPLE, kobo_api_results, odk_odata_values

pytestmark = pytest.mark.django_db

KOBO_TOKEN = "5f4dcc3b5aa765d61d8327deb882cf99aa11bb22"
ODK_TOKEN = "lSpAIeksRu1CNZs7!qjAot2T17dPzkrw9B4iTtpj7OoIJBmXvnHM8z8Ka4QPEjR7"
ASSET = "aXyZ3kQ9pL2mN8vB"


class StandIn(BaseHTTPRequestHandler):
    """KoboToolbox's /api/v2/assets/<uid>/data/ and ODK Central's OData Submissions, one
    submission a page; the first request of each run is told to wait (429, Retry-After)."""

    throttled: set[str] = set()
    requests: list[str] = []

    def log_message(self, *_args: Any) -> None:
        pass

    def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None,
              ) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        self.requests.append(self.path)
        base = f"http://{self.headers['Host']}"
        auth = self.headers.get("Authorization", "")
        if url.path.startswith("/api/v2/assets/"):
            if auth != f"Token {KOBO_TOKEN}":
                return self._send(401, {"detail": "Invalid token."})
            if url.path != f"/api/v2/assets/{ASSET}/data/":
                return self._send(404, {"detail": "Not found."})
            if "kobo" not in self.throttled:
                self.throttled.add("kobo")
                return self._send(429, {"detail": "Request was throttled. Expected available "
                                        "in 1 second."}, {"Retry-After": "1"})
            results = kobo_api_results()
            start = int(query.get("start", "0"))
            following = (f"{base}{url.path}?format=json&limit=1&start={start + 1}"
                         if start + 1 < len(results) else None)
            return self._send(200, {"count": len(results), "next": following,
                                    "previous": None, "results": results[start:start + 1]})
        prefix = "/v1/projects/7/forms/"
        if url.path.startswith("/v1/"):
            basic = "Basic " + base64.b64encode(b"field@example.org:correct horse").decode()
            if auth not in (f"Bearer {ODK_TOKEN}", basic):
                return self._send(401, {"message": "Could not authenticate with the provided "
                                        "credentials.", "code": 401.2})
            if url.path != f"{prefix}safepassage_registration.svc/Submissions":
                return self._send(404, {"message": "Could not find the resource you were "
                                        "looking for.", "code": 404.1})
            if "odk" not in self.throttled:
                self.throttled.add("odk")
                return self._send(429, {"message": "Too many requests.", "code": 429.1},
                                  {"Retry-After": "1"})
            values = odk_odata_values()
            skip = int(query.get("$skiptoken", "0"))
            body: dict[str, Any] = {
                "@odata.context": f"{base}{prefix}safepassage_registration.svc/$metadata"
                                  "#Submissions", "value": values[skip:skip + 1]}
            if skip + 1 < len(values):
                body["@odata.nextLink"] = (f"{base}{url.path}?%24expand=*&%24top=1"
                                           f"&%24skiptoken={skip + 1}")
            return self._send(200, body)
        return self._send(404, {"detail": "Not found."})


@pytest.fixture
def server() -> Iterator[str]:
    StandIn.throttled, StandIn.requests = set(), []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def pull(*args: str) -> str:
    out = StringIO()
    call_command("pull_submissions", *args, stdout=out)
    return out.getvalue()


def test_kobo_submissions_are_pulled_page_by_page_and_a_second_pull_imports_nothing(
    server: str, partner_org: Organisation, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SAFEPASSAGE_KOBO_TOKEN", KOBO_TOKEN)
    args = ("--source", "kobo", "--url", server, "--form", ASSET, "--org", partner_org.name)

    assert pull(*args) == f"imported {PEOPLE}, quarantined 0, unchanged 0\n"
    # Told to wait once (429, Retry-After), then two pages through `next`.
    assert len(StandIn.requests) == 3 and "start=1" in StandIn.requests[-1]
    assert pull(*args) == f"imported 0, quarantined 0, unchanged {PEOPLE}\n"
    assert Person.objects.count() == PEOPLE
    kept = [s for s in RawSubmission.objects.all() if s.filename.startswith("kobo-")]
    assert len(kept) == 2 and '"_uuid"' in kept[0].payload  # as the server sent it


def test_odk_central_submissions_are_pulled_with_a_token_or_a_password(
    server: str, partner_org: Organisation, monkeypatch: pytest.MonkeyPatch,
) -> None:
    args = ("--source", "odk-central", "--url", server, "--project", "7", "--form",
            "safepassage_registration", "--org", partner_org.name)
    monkeypatch.setenv("SAFEPASSAGE_ODK_CENTRAL_TOKEN", ODK_TOKEN)
    assert pull(*args) == f"imported {PEOPLE}, quarantined 0, unchanged 0\n"

    monkeypatch.delenv("SAFEPASSAGE_ODK_CENTRAL_TOKEN")
    monkeypatch.setenv("SAFEPASSAGE_ODK_CENTRAL_EMAIL", "field@example.org")
    monkeypatch.setenv("SAFEPASSAGE_ODK_CENTRAL_PASSWORD", "correct horse")
    assert pull(*args) == f"imported 0, quarantined 0, unchanged {PEOPLE}\n"
    households = {p.household_id for p in Person.objects.all()}
    assert len(households) == 2


def test_a_refused_token_and_an_unknown_form_say_what_to_check(
    server: str, partner_org: Organisation, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SAFEPASSAGE_KOBO_TOKEN", "not-the-token")
    with pytest.raises(CommandError, match=r"refused the credentials \(401\)"):
        pull("--source", "kobo", "--url", server, "--form", ASSET, "--org", partner_org.name)
    monkeypatch.setenv("SAFEPASSAGE_KOBO_TOKEN", KOBO_TOKEN)
    with pytest.raises(CommandError, match=r"no such form on this server \(404\)"):
        pull("--source", "kobo", "--url", server, "--form", "nope", "--org", partner_org.name)
    monkeypatch.delenv("SAFEPASSAGE_KOBO_TOKEN")
    with pytest.raises(CommandError, match="Set SAFEPASSAGE_KOBO_TOKEN"):
        pull("--source", "kobo", "--url", server, "--form", ASSET, "--org", partner_org.name)
    assert not Person.objects.exists()
