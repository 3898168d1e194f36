"""Errors reach Sentry (a local stand-in for its ingest endpoint) with nothing personal: no
request body, query string, cookies, user name or e-mail, local variables or exception message."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import sentry_sdk

from safepassage.operations.errors import init


def parse_tazkira(person: dict[str, str]) -> None:
    holder = person["name"]  # a local variable the SDK would otherwise send
    raise ValueError(f"cannot parse tazkira {person['tazkira']} of {holder}")



@pytest.fixture
def ingest() -> Iterator[tuple[str, list[bytes]]]:
    received: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            received.append(body)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://publickey@127.0.0.1:{server.server_port}/1", received
    sentry_sdk.init()  # no DSN: the SDK off again for the other tests
    server.shutdown()
    server.server_close()


def test_an_error_reaches_sentry_without_personal_data(ingest):
    dsn, received = ingest
    init(dsn, environment="test", release="safepassage@test")
    with sentry_sdk.new_scope() as scope:
        scope.set_user(STAFF)
        scope.add_breadcrumb(message="search", data={"q": PERSON["phone"]})
        scope.set_extra("person", PERSON["name"])
        try:
            parse_tazkira(PERSON)
        except ValueError as error:
            sentry_sdk.capture_exception(error)
    sentry_sdk.flush(timeout=10)

    sent = b"".join(received)
    assert b"ValueError" in sent, "the error was sent"
    assert b'"id":42' in sent.replace(b" ", b"")
    for personal in PERSONAL:
        assert personal not in sent, personal


# Personal values, kept out of the lines of code Sentry shows around each frame (five lines
# either side): only what the SDK collects at run time is under test here.
PERSON = {"name": "Freshta Popalzai", "phone": "0791234567", "tazkira": "1400-0101-12345"}
STAFF = {"id": 42, "username": "farida.k", "email": "farida@example.org"}
PERSONAL = [str(v).encode() for v in (*PERSON.values(), STAFF["username"], STAFF["email"])]
