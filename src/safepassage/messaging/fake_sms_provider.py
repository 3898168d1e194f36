"""A local stand-in for an SMS gateway, for tests and the benchmark: it records what it receives
and can fail on demand. Never for production: it delivers nothing.

POST /messages    {"to", "text", "sender"} with an Idempotency-Key header → 200 {"id": ...}; the
                  same key again answers with the first id and is counted as a duplicate request.
GET  /stats       {"requests", "delivered", "duplicates", "failed"}
GET  /messages    every delivery: [{"key", "to", "text", "id"}]
POST /control     {"fail_next": n, "status": 503} | {"fail_all": 503} | {"fail_all": 0}
                  | {"delay_ms": 20} | {"reset": true}
"""

from __future__ import annotations

import json
import socket
import threading
import uuid
from http.server import BaseHTTPRequestHandler
from typing import Any

from safepassage.messaging.local_http import BackgroundServer, QuietServer


class ProviderState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.deliveries: dict[str, dict[str, Any]] = {}
        self.requests = 0
        self.duplicates = 0
        self.failed = 0
        self.fail_next = 0
        self.fail_status = 503
        self.fail_all = 0
        self.delay_ms = 0


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real gateways do
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Headers and body go in two writes: without this, Nagle and delayed ACKs add 40 ms.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # numbers and texts: never logged
        pass

    def _reply(self, status: int, payload: Any) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        return json.loads(raw or b"{}")

    def do_GET(self) -> None:
        state = self.server.state
        with state.lock:
            if self.path == "/stats":
                self._reply(200, {"requests": state.requests,
                                  "delivered": len(state.deliveries),
                                  "duplicates": state.duplicates, "failed": state.failed})
            elif self.path == "/messages":
                self._reply(200, [{"key": k, **v} for k, v in state.deliveries.items()])
            else:
                self._reply(404, {"error": "not found"})

    def do_POST(self) -> None:
        state = self.server.state
        try:
            payload = self._body()
        except ValueError:
            self._reply(400, {"error": "body is not JSON"})
            return
        if self.path == "/control":
            with state.lock:
                if payload.get("reset"):
                    state.reset()
                if "fail_next" in payload:
                    state.fail_next = int(payload["fail_next"])
                    state.fail_status = int(payload.get("status", 503))
                if "fail_all" in payload:
                    state.fail_all = int(payload["fail_all"])
                if "delay_ms" in payload:
                    state.delay_ms = int(payload["delay_ms"])
            self._reply(200, {"ok": True})
            return
        if self.path != "/messages":
            self._reply(404, {"error": "not found"})
            return
        if state.delay_ms:
            threading.Event().wait(state.delay_ms / 1000)
        key = self.headers.get("Idempotency-Key") or uuid.uuid4().hex
        with state.lock:
            state.requests += 1
            failing = state.fail_all or (state.fail_status if state.fail_next > 0 else 0)
            if failing:
                state.fail_next = max(state.fail_next - 1, 0)
                state.failed += 1
            elif key in state.deliveries:
                state.duplicates += 1
                delivery = state.deliveries[key]
            else:
                delivery = state.deliveries[key] = {
                    "id": f"fake-{len(state.deliveries) + 1}", "to": payload.get("to", ""),
                    "text": payload.get("text", ""), "sender": payload.get("sender", ""),
                }
        if failing:
            self._reply(failing, {"error": "failing on demand"})
        else:
            self._reply(200, {"id": delivery["id"]})


class _Server(QuietServer):
    state: ProviderState


class FakeSmsProvider(BackgroundServer):
    """Start on a free port of 127.0.0.1 in a background thread: `url` is the send endpoint."""

    server: _Server

    def __init__(self, port: int = 0) -> None:
        server = _Server(("127.0.0.1", port), _Handler)
        server.state = ProviderState()
        super().__init__(server)

    @property
    def state(self) -> ProviderState:
        return self.server.state

    @property
    def url(self) -> str:
        return f"{self.base_url}/messages"
