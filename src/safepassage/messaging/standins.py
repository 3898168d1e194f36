"""Local stand-ins for the real providers, for tests and the benchmark: one threaded HTTP server
speaking the documented request, response, error and rate-limit shapes of the WhatsApp Cloud
API, Twilio's Messages API, a RapidPro external-channel gateway, Postmark's e-mail API and the
Telegram Bot API. Never for production: it delivers nothing.

It also builds what each provider sends to our webhooks (status callbacks, inbound messages),
signed as the provider signs them, so that tests and the bench post the real shapes.

Control (POST /control, JSON): {"reset": true} | {"fail_next": n, "status": 503, "code": 0,
"retry_after": 2, "provider": "twilio"} | {"window": ["93700000001"]} (numbers inside WhatsApp's
24-hour window) | {"delay_ms": 5}. GET /stats, GET /deliveries.
"""

from __future__ import annotations

import base64
import email
import hashlib
import hmac
import json
import socket
import threading
import urllib.parse
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from typing import Any

from safepassage.messaging.local_http import BackgroundServer, QuietServer

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "twilio-test-token"  # noqa: S105 (a stand-in's, public)
WHATSAPP_TOKEN = "whatsapp-test-token"  # noqa: S105
WHATSAPP_PHONE_ID = "106540352242922"
POSTMARK_TOKEN = "postmark-test-token"  # noqa: S105
TELEGRAM_TOKEN = "123456:telegram-test-token"  # noqa: S105
# Providers that recognise a message sent again (by the key they are given) and do not deliver
# it twice: the home-made gateway (Idempotency-Key) and a RapidPro gateway (the message id).
IDEMPOTENT = {"rapidpro"}


class StandInState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.deliveries: list[dict[str, Any]] = []
        self.seen: dict[tuple[str, str], str] = {}  # (provider, key) -> provider id
        self.requests = 0
        self.duplicates = 0  # a key seen again (delivered again unless the provider dedupes)
        self.refused = 0
        self.fail_next = 0
        self.fail_status = 503
        self.fail_code = 0
        self.fail_provider = ""
        self.retry_after = 1
        self.window: set[str] = set()
        self.delay_ms = 0
        self.media: dict[str, bytes] = {}

    def count(self, provider: str) -> int:
        return sum(1 for d in self.deliveries if d["provider"] == provider)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # numbers and texts: never logged
        pass

    def _reply(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        state = self.server.state
        with state.lock:
            if self.path == "/stats":
                self._reply(200, {"requests": state.requests, "delivered": len(state.deliveries),
                                  "duplicates": state.duplicates, "refused": state.refused})
            elif self.path == "/deliveries":
                self._reply(200, state.deliveries)
            else:
                self._reply(404, {"error": "not found"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path = urllib.parse.urlsplit(self.path).path
        if path == "/control":
            self._control(json.loads(raw or b"{}"))
            return
        state = self.server.state
        if state.delay_ms:
            threading.Event().wait(state.delay_ms / 1000)
        if "/Accounts/" in path and path.endswith("/Messages.json"):
            self._twilio(path, raw)
        elif path.endswith("/messages") and path.startswith("/v"):
            self._whatsapp(path, raw)
        elif path.endswith("/media") and path.startswith("/v"):
            self._whatsapp_media(raw)
        elif path == "/rapidpro/send":
            self._rapidpro(raw)
        elif path == "/email":
            self._postmark(raw)
        elif path.startswith("/bot") and path.endswith("/sendMessage"):
            self._telegram(path, raw)
        else:
            self._reply(404, {"error": "not found"})

    def _control(self, payload: dict[str, Any]) -> None:
        state = self.server.state
        with state.lock:
            if payload.get("reset"):
                state.reset()
            if "fail_next" in payload:
                state.fail_next = int(payload["fail_next"])
                state.fail_status = int(payload.get("status", 503))
                state.fail_code = int(payload.get("code", 0))
                state.fail_provider = str(payload.get("provider", ""))
                state.retry_after = int(payload.get("retry_after", 1))
            if "window" in payload:
                state.window = {str(n) for n in payload["window"]}
            if "delay_ms" in payload:
                state.delay_ms = int(payload["delay_ms"])
        self._reply(200, {"ok": True})

    def _failing(self, provider: str) -> tuple[int, int, int] | None:
        """(status, code, retry_after) when this request must fail on demand."""
        state = self.server.state
        with state.lock:
            state.requests += 1
            if state.fail_next > 0 and state.fail_provider in ("", provider):
                state.fail_next -= 1
                state.refused += 1
                return state.fail_status, state.fail_code, state.retry_after
        return None

    def _deliver(self, provider: str, key: str, to: str, text: str, new_id: str,
                 **extra: Any) -> str:
        """Record a delivery; the id answered (the first one again if the provider dedupes)."""
        state = self.server.state
        with state.lock:
            first = state.seen.get((provider, key))
            if first is not None:
                state.duplicates += 1
                if provider in IDEMPOTENT:
                    return first
            state.seen.setdefault((provider, key), new_id)
            state.deliveries.append({"provider": provider, "key": key, "to": to, "text": text,
                                     "id": new_id, **extra})
        return new_id

    # --- WhatsApp Cloud API: POST /{version}/{phone-number-id}/messages ------------------------

    def _whatsapp(self, path: str, raw: bytes) -> None:
        if self.headers.get("Authorization") != f"Bearer {WHATSAPP_TOKEN}":
            self._reply(401, _graph_error(190, "Invalid OAuth access token.", "OAuthException"))
            return
        failing = self._failing("whatsapp_cloud")
        if failing:
            status, code, wait = failing
            if status == 429:
                self._reply(429, _graph_error(code or 130429, "Rate limit hit"),
                            {"Retry-After": str(wait)})
            else:
                self._reply(status, _graph_error(code or 131000, "Something went wrong"))
            return
        try:
            payload = json.loads(raw)
            to, kind = str(payload["to"]), str(payload["type"])
            assert payload["messaging_product"] == "whatsapp"
        except (ValueError, KeyError, AssertionError):
            self._reply(400, _graph_error(100, "Invalid parameter"))
            return
        if not to.isdigit():
            self._reply(400, _graph_error(131026, "Message undeliverable"))
            return
        media = ""
        if kind == "text":
            with self.server.state.lock:
                inside = to in self.server.state.window
            if not inside:
                self._reply(400, _graph_error(
                    131047, "Re-engagement message",
                    details="Message failed to send because more than 24 hours have passed "
                            "since the customer last replied to this number."))
                return
            text = payload["text"]["body"]
        elif kind == "template":
            components = {c["type"]: c for c in payload["template"]["components"]}
            text = components["body"]["parameters"][0]["text"]
            header = components.get("header", {}).get("parameters", [{}])[0]
            media = str((header.get("image") or {}).get("id", ""))
        elif kind == "image":
            text = payload["image"].get("caption", "")
            media = str(payload["image"].get("id", ""))
        else:
            self._reply(400, _graph_error(100, "Invalid parameter"))
            return
        key = str(payload.get("biz_opaque_callback_data") or hashlib.sha256(
            f"{to}\n{text}".encode()).hexdigest())
        wamid = "wamid." + base64.b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if media and media not in self.server.state.media:
            self._reply(400, _graph_error(131053, "Media upload error"))
            return
        wamid = self._deliver("whatsapp_cloud", key, to, text, wamid, type=kind, media=media,
                              template=(payload.get("template") or {}).get("name", ""))
        self._reply(200, {"messaging_product": "whatsapp",
                          "contacts": [{"input": to, "wa_id": to}],
                          "messages": [{"id": wamid}]})

    def _whatsapp_media(self, raw: bytes) -> None:
        """POST /{phone-number-id}/media, multipart: messaging_product, type, file."""
        if self.headers.get("Authorization") != f"Bearer {WHATSAPP_TOKEN}":
            self._reply(401, _graph_error(190, "Invalid OAuth access token.", "OAuthException"))
            return
        parsed = email.message_from_bytes(
            b"Content-Type: " + self.headers.get("Content-Type", "").encode() + b"\r\n\r\n"
            + raw)
        fields: dict[str, Any] = {}
        for part in parsed.walk():
            if not part.is_multipart():
                name = part.get_param("name", header="content-disposition")
                fields[str(name)] = part.get_payload(decode=True)
        if fields.get("messaging_product") != b"whatsapp" or not fields.get("file"):
            self._reply(400, _graph_error(100, "Invalid parameter"))
            return
        media_id = str(uuid.uuid4().int)[:16]
        with self.server.state.lock:
            self.server.state.media[media_id] = bytes(fields["file"])
        self._reply(200, {"id": media_id})

    # --- Twilio: POST /2010-04-01/Accounts/{sid}/Messages.json ----------------------------------

    def _twilio(self, path: str, raw: bytes) -> None:
        expected = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        if self.headers.get("Authorization") != expected or ACCOUNT_SID not in path:
            self._reply(401, _twilio_error(20003, "Authenticate", 401))
            return
        failing = self._failing("twilio")
        if failing:
            status, code, wait = failing
            if status == 429:
                self._reply(429, _twilio_error(code or 20429, "Too Many Requests", 429),
                            {"Retry-After": str(wait)})
            else:
                self._reply(status, _twilio_error(code or 20500, "Internal Server Error",
                                                  status))
            return
        form = {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode()).items()}
        to, sender, body = form.get("To", ""), form.get("From", ""), form.get("Body", "")
        number = to.removeprefix("whatsapp:")
        if not (number.startswith("+") and number[1:].isdigit() and 8 <= len(number) <= 16):
            self._reply(400, _twilio_error(21211, f"The 'To' number {to} is not a valid "
                                                  "phone number.", 400))
            return
        if not sender:
            self._reply(400, _twilio_error(21603, "A 'From' phone number is required.", 400))
            return
        sid = "SM" + uuid.uuid4().hex
        key = hashlib.sha256(f"{to}\n{body}".encode()).hexdigest()
        sid = self._deliver("twilio", key, to, body, sid,
                            status_callback=form.get("StatusCallback", ""))
        now = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
        self._reply(201, {
            "sid": sid, "account_sid": ACCOUNT_SID, "api_version": "2010-04-01",
            "to": to, "from": sender, "body": body, "status": "queued",
            "num_segments": "1", "num_media": "0", "direction": "outbound-api",
            "date_created": now, "date_updated": now, "date_sent": None, "price": None,
            "error_code": None, "error_message": None, "messaging_service_sid": None,
            "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json",
            "subresource_uris": {"media": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}"
                                          "/Media.json"},
        })

    # --- A RapidPro external-channel gateway: POST id, text, to, ... ----------------------------

    def _rapidpro(self, raw: bytes) -> None:
        failing = self._failing("rapidpro")
        if failing:
            status, _code, wait = failing
            self._reply(status, b"", {"Retry-After": str(wait)} if status == 429 else None)
            return
        form = {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode()).items()}
        if not form.get("id") or not form.get("to"):
            self._reply(400, {"error": "id and to are required"})
            return
        self._deliver("rapidpro", form["id"], form["to"], form.get("text", ""), form["id"])
        self._reply(200, b"SENT")

    # --- Postmark: POST /email ------------------------------------------------------------------

    def _postmark(self, raw: bytes) -> None:
        if self.headers.get("X-Postmark-Server-Token") != POSTMARK_TOKEN:
            self._reply(401, {"ErrorCode": 10, "Message": "No Account or Server API tokens "
                                                          "were supplied in the HTTP headers."})
            return
        failing = self._failing("anymail")
        if failing:
            status, code, wait = failing
            self._reply(status, {"ErrorCode": code or 0, "Message": "failing on demand"},
                        {"Retry-After": str(wait)} if status == 429 else None)
            return
        payload = json.loads(raw or b"{}")
        to = str(payload.get("To", ""))
        if "@" not in to:
            self._reply(422, {"ErrorCode": 300, "Message": f"Invalid 'To' address: '{to}'."})
            return
        if to.startswith("inactive"):
            self._reply(422, {"ErrorCode": 406, "Message": (
                "You tried to send to a recipient that has been marked as inactive.\n Found "
                f"inactive addresses: {to}.\n Inactive recipients are ones that have generated "
                "a hard bounce or a spam complaint. ")})
            return
        key = str((payload.get("Metadata") or {}).get("safepassage_key") or uuid.uuid4())
        message_id = self._deliver("anymail", key, to, str(payload.get("TextBody", "")),
                                   str(uuid.uuid4()))
        self._reply(200, {"To": to, "SubmittedAt": datetime.now(UTC).isoformat(),
                          "MessageID": message_id, "ErrorCode": 0, "Message": "OK"})

    # --- Telegram: POST /bot{token}/sendMessage --------------------------------------------------

    def _telegram(self, path: str, raw: bytes) -> None:
        if path != f"/bot{TELEGRAM_TOKEN}/sendMessage":
            self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        failing = self._failing("telegram")
        if failing:
            status, _code, wait = failing
            if status == 429:
                self._reply(429, {"ok": False, "error_code": 429,
                                  "description": f"Too Many Requests: retry after {wait}",
                                  "parameters": {"retry_after": wait}})
            else:
                self._reply(status, {"ok": False, "error_code": status,
                                     "description": "Forbidden: bot was blocked by the user"})
            return
        payload = json.loads(raw or b"{}")
        chat, text = str(payload.get("chat_id", "")), str(payload.get("text", ""))
        if not chat:
            self._reply(400, {"ok": False, "error_code": 400,
                              "description": "Bad Request: chat not found"})
            return
        with self.server.state.lock:
            number = len(self.server.state.deliveries) + 1
        key = hashlib.sha256(f"{chat}\n{text}".encode()).hexdigest()
        message_id = self._deliver("telegram", key, chat, text, str(number))
        self._reply(200, {"ok": True, "result": {
            "message_id": int(message_id), "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": int(chat) if chat.lstrip("-").isdigit() else chat,
                     "type": "private"}, "text": text}})


def _graph_error(code: int, message: str, kind: str = "OAuthException",
                 details: str = "") -> dict[str, Any]:
    error: dict[str, Any] = {"message": f"({'#'}{code}) {message}", "type": kind, "code": code,
                             "fbtrace_id": uuid.uuid4().hex[:22]}
    if details:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return {"error": error}


def _twilio_error(code: int, message: str, status: int) -> dict[str, Any]:
    return {"code": code, "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status}


class _Server(QuietServer):
    state: StandInState


class ProviderStandIn(BackgroundServer):
    """Start on a free port of 127.0.0.1 in a background thread; `configure(settings)` points
    every adapter at it."""

    server: _Server

    def __init__(self, port: int = 0) -> None:
        server = _Server(("127.0.0.1", port), _Handler)
        server.state = StandInState()
        super().__init__(server)

    @property
    def state(self) -> StandInState:
        return self.server.state

    def environment(self) -> dict[str, str]:
        """The SAFEPASSAGE_* variables that point a process's adapters here."""
        return environment_for(self.base_url)


def environment_for(base_url: str) -> dict[str, str]:
    return {
        "SAFEPASSAGE_WHATSAPP_API_URL": f"{base_url}/v21.0",
        "SAFEPASSAGE_WHATSAPP_PHONE_NUMBER_ID": WHATSAPP_PHONE_ID,
        "SAFEPASSAGE_WHATSAPP_ACCESS_TOKEN": WHATSAPP_TOKEN,
        "SAFEPASSAGE_TWILIO_API_URL": base_url,
        "SAFEPASSAGE_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "SAFEPASSAGE_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "SAFEPASSAGE_TWILIO_SMS_FROM": "+15005550006",
        "SAFEPASSAGE_TWILIO_WHATSAPP_FROM": "+14155238886",
        "SAFEPASSAGE_RAPIDPRO_SEND_URL": f"{base_url}/rapidpro/send",
        "SAFEPASSAGE_POSTMARK_SERVER_TOKEN": POSTMARK_TOKEN,
        "SAFEPASSAGE_POSTMARK_API_URL": f"{base_url}/",
        "SAFEPASSAGE_TELEGRAM_API_URL": base_url,
        "SAFEPASSAGE_TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
    }


# --- What the providers send to our webhooks, signed as they sign it ---------------------------


def whatsapp_signature(body: bytes, app_secret: str) -> str:
    """Meta's X-Hub-Signature-256: HMAC-SHA256 of the raw body with the app secret."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def whatsapp_status(wamid: str, status: str, recipient: str, *, error_code: int = 0,
                    key: str = "") -> bytes:
    entry: dict[str, Any] = {"id": wamid, "status": status, "recipient_id": recipient,
                             "timestamp": str(int(datetime.now(UTC).timestamp()))}
    if key:
        entry["biz_opaque_callback_data"] = key
    if error_code:
        entry["errors"] = [{"code": error_code, "title": "Message undeliverable"}]
    return _whatsapp_envelope({"statuses": [entry]})


def whatsapp_inbound(sender: str, text: str, wamid: str = "") -> bytes:
    return _whatsapp_envelope({
        "contacts": [{"profile": {"name": ""}, "wa_id": sender}],
        "messages": [{"from": sender, "id": wamid or f"wamid.in{uuid.uuid4().hex}",
                      "timestamp": str(int(datetime.now(UTC).timestamp())), "type": "text",
                      "text": {"body": text}}]})


def _whatsapp_envelope(value: dict[str, Any]) -> bytes:
    return json.dumps({"object": "whatsapp_business_account", "entry": [{
        "id": "102290129340398", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881",
                         "phone_number_id": WHATSAPP_PHONE_ID}, **value}}]}]}).encode()


def twilio_signature(url: str, params: dict[str, str], auth_token: str = AUTH_TOKEN) -> str:
    """X-Twilio-Signature: base64 HMAC-SHA1 of the URL followed by the sorted POST fields."""
    from twilio.request_validator import RequestValidator

    return str(RequestValidator(auth_token).compute_signature(url, params))


def twilio_status(sid: str, status: str, to: str, *, error_code: int = 0) -> dict[str, str]:
    params = {"MessageSid": sid, "SmsSid": sid, "AccountSid": ACCOUNT_SID,
              "MessageStatus": status, "SmsStatus": status, "To": to, "From": "+15005550006",
              "ApiVersion": "2010-04-01"}
    if error_code:
        params["ErrorCode"] = str(error_code)
    return params


def twilio_inbound(sender: str, text: str, sid: str = "") -> dict[str, str]:
    sid = sid or "SM" + uuid.uuid4().hex
    return {"MessageSid": sid, "SmsSid": sid, "SmsMessageSid": sid, "AccountSid": ACCOUNT_SID,
            "From": sender, "To": "+15005550006", "Body": text, "NumMedia": "0",
            "NumSegments": "1", "SmsStatus": "received", "ApiVersion": "2010-04-01"}
