"""Pulling a form's submissions from KoboToolbox (REST API v2) or ODK Central (OData), to
import them as their exports are (decision 0102). The submissions are kept as one JSON
document, as received, and read by field_forms like an export."""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

KOBO, ODK_CENTRAL = "kobo", "odk-central"
SOURCES = (KOBO, ODK_CENTRAL)
# The largest wait a 429's Retry-After is honoured for, and how often it is.
MAX_RETRY_AFTER_SECONDS = 120
MAX_RETRIES = 5
TIMEOUT_SECONDS = 60
# Pages: Kobo answers at most 30,000 a page (default 1,000 when asked); ODK Central pages with
# $top and follows @odata.nextLink.
PAGE_SIZE = 1000


class PullError(RuntimeError):
    """The server refused or failed; the message says what to check."""


@dataclass(frozen=True)
class Credentials:
    """Kobo: an API token (`Authorization: Token …`). ODK Central: a session or app-user token
    (`Bearer`), or an e-mail address and password (HTTP Basic)."""

    token: str = ""
    email: str = ""
    password: str = ""

    def header(self, source: str) -> str:
        if source == KOBO:
            return f"Token {self.token}"
        if self.token:
            return f"Bearer {self.token}"
        pair = f"{self.email}:{self.password}".encode()
        return f"Basic {base64.b64encode(pair).decode('ascii')}"


def _get(url: str, *, authorization: str, what: str,
         sleep: Callable[[float], object] = time.sleep) -> Any:
    # Only HTTP(S): the address comes from the operator and the next page's from the server,
    # and urllib would open file: and ftp: addresses as readily.
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise PullError(f"{what}: {url[:80]!r} is not an http(s) address. Check --url.")
    request = urllib.request.Request(url, headers={  # noqa: S310 (scheme checked above)
        "Authorization": authorization, "Accept": "application/json",
        "User-Agent": "SafePassage pull-submissions"})
    for _attempt in range(MAX_RETRIES + 1):
        try:
            with urllib.request.urlopen(  # noqa: S310 (scheme checked above)
                    request, timeout=TIMEOUT_SECONDS) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            if error.code == 429:
                wait = _retry_after(error.headers.get("Retry-After", ""))
                if wait > MAX_RETRY_AFTER_SECONDS:
                    raise PullError(f"{what}: the server asks to wait {wait:.0f} s (429); "
                                    "try again later.") from None
                sleep(wait)
                continue
            raise PullError(_http_problem(error.code, what)) from None
        except urllib.error.URLError as error:
            raise PullError(f"{what}: could not reach the server ({error.reason}). Check "
                            "--url and the network.") from None
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise PullError(f"{what}: the answer is not JSON. Check --url (the server's "
                            "address, not a page of its website).") from None
    raise PullError(f"{what}: still told to slow down (429) after {MAX_RETRIES} waits; try "
                    "again later.")


def _retry_after(text: str) -> float:
    try:
        return max(0.0, float(text))
    except ValueError:
        return 30.0  # an HTTP date or nothing: wait a while


def _http_problem(status: int, what: str) -> str:
    if status == 401:
        return (f"{what}: the server refused the credentials (401). Check the token "
                "(SAFEPASSAGE_KOBO_TOKEN or SAFEPASSAGE_ODK_CENTRAL_TOKEN, or "
                "SAFEPASSAGE_ODK_CENTRAL_EMAIL and SAFEPASSAGE_ODK_CENTRAL_PASSWORD).")
    if status == 403:
        return (f"{what}: this account may not read the form's submissions (403). Ask the "
                "form's owner to share it with the account.")
    if status == 404:
        return (f"{what}: no such form on this server (404). Check --url, --form (Kobo: the "
                "asset uid; ODK Central: the form id) and --project.")
    return f"{what}: the server answered {status}. Try again later."


def _kobo_pages(url: str, form: str, authorization: str,
                sleep: Callable[[float], object]) -> Iterator[dict[str, Any]]:
    quoted = urllib.parse.quote(form, safe="")
    next_url: str | None = (f"{url.rstrip('/')}/api/v2/assets/{quoted}/data/"
                            f"?format=json&limit={PAGE_SIZE}")
    while next_url:
        page = _get(next_url, authorization=authorization, what="KoboToolbox", sleep=sleep)
        yield from page.get("results") or []
        next_url = page.get("next")


def _odk_pages(url: str, project: str, form: str, authorization: str,
               sleep: Callable[[float], object]) -> Iterator[dict[str, Any]]:
    quoted = urllib.parse.quote(form, safe="")
    next_url: str | None = (
        f"{url.rstrip('/')}/v1/projects/{urllib.parse.quote(project, safe='')}/forms/"
        f"{quoted}.svc/Submissions?%24expand=*&%24top={PAGE_SIZE}")
    while next_url:
        page = _get(next_url, authorization=authorization, what="ODK Central", sleep=sleep)
        yield from page.get("value") or []
        next_url = page.get("@odata.nextLink")


def pull_submissions(*, source: str, url: str, form: str, credentials: Credentials,
                     project: str = "", sleep: Callable[[float], object] = time.sleep,
                     ) -> bytes:
    """Every submission of the form, as one JSON document for the importer:
    `{"source": …, "form": …, "submissions": [… as the server sent them …]}`."""
    if source not in SOURCES:
        raise PullError(f"--source must be one of {', '.join(SOURCES)}.")
    authorization = credentials.header(source)
    if source == KOBO:
        submissions = list(_kobo_pages(url, form, authorization, sleep))
    else:
        if not project:
            raise PullError("ODK Central needs --project (the project's number).")
        submissions = list(_odk_pages(url, project, form, authorization, sleep))
    return json.dumps({"source": source, "form": form, "submissions": submissions},
                      ensure_ascii=False).encode("utf-8")
