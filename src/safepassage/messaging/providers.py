"""Real providers behind the Channel interface (channels.py): WhatsApp Business Cloud API,
Twilio (SMS and WhatsApp, through the official `twilio` package), a RapidPro external channel,
e-mail through django-anymail (Postmark) and the Telegram Bot API.

Every adapter returns the provider's id of the message (what its status callbacks name) and
raises DeliveryFailed with codes only: the provider's error code, the HTTP status, and the
seconds a 429 asked us to wait (retry_after), never the provider's text.
"""

from __future__ import annotations

import http.client
import io
import json
import socket
import ssl
import time
import urllib.parse
from typing import Any

import segno
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from safepassage.messaging.channels import DeliveryFailed, NoDelayHTTPConnection
from safepassage.messaging.models import Message
from safepassage.messaging.notices import email_html


def _retry_after(value: str | None, default: float = 1.0) -> float:
    try:
        return max(float(value or default), 0.0)
    except ValueError:
        return default


class HttpJson:
    """One kept-alive HTTP(S) connection to a provider's API, reopened once if dropped."""

    def __init__(self, base_url: str, name: str) -> None:
        self.url = urllib.parse.urlsplit(base_url)
        self.name = name
        self.conn: http.client.HTTPConnection | None = None

    def _open(self) -> http.client.HTTPConnection:
        timeout = settings.MESSAGING_SEND_TIMEOUT
        host, port = self.url.hostname or "", self.url.port
        if self.url.scheme == "https":
            return http.client.HTTPSConnection(host, port, timeout=timeout,
                                               context=ssl.create_default_context())
        return NoDelayHTTPConnection(host, port, timeout=timeout)

    def post(self, path: str, body: bytes, headers: dict[str, str]
             ) -> tuple[int, dict[str, str], bytes]:
        full = self.url.path.rstrip("/") + path
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = self._open()
            try:
                self.conn.request("POST", full, body=body, headers=headers)
                response = self.conn.getresponse()
                return response.status, dict(response.getheaders()), response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise DeliveryFailed(f"{self.name} closed the connection") from None
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                kind = "timed out" if isinstance(exc, socket.timeout) else "unreachable"
                raise DeliveryFailed(f"{self.name} {kind} ({type(exc).__name__})") from exc
        raise DeliveryFailed(f"{self.name} unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _json(body: bytes) -> Any:
    try:
        return json.loads(body or b"{}")
    except ValueError:
        return {}


# --- WhatsApp Business Cloud API ---------------------------------------------------------------

# Graph API error codes (developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes).
WHATSAPP_REENGAGEMENT = 131047  # more than 24 hours since the person last wrote: template only
WHATSAPP_RATE_LIMITS = {4, 80007, 130429, 131048, 131056}  # throughput, spam and pair limits
WHATSAPP_PERMANENT = {131026, 131051, 131052, 131053, 100, 132000, 132001, 132012, 133010}
# Our languages to the template languages Meta knows.
WHATSAPP_LANGUAGES = {"en": "en", "fr": "fr", "fa-af": "fa", "ps": "ps"}


class WhatsAppCloud:
    """POST /{phone-number-id}/messages. A message opens with the approved template (first
    contact, or when the 24-hour customer-service window is closed: error 131047); inside the
    window, plain text; a boarding pass as an image with the notice as its caption."""

    provider = "whatsapp_cloud"
    idempotent = False  # Meta takes no idempotency key (biz_opaque_callback_data is echoed only)

    def __init__(self) -> None:
        self.http = HttpJson(settings.WHATSAPP_API_URL, "WhatsApp Cloud API")
        self.window: set[str] = set()
        self.window_read = -1e9

    def _in_window(self, phone: str) -> bool:
        from safepassage.messaging import selectors

        if time.monotonic() - self.window_read > 60:  # one query a minute, not one a message
            self.window = selectors.senders_in_service_window()
            self.window_read = time.monotonic()
        digest = selectors.phone_digest(phone)
        return bool(digest) and digest in self.window

    def open(self) -> None:
        if not (settings.WHATSAPP_PHONE_NUMBER_ID and settings.WHATSAPP_ACCESS_TOKEN):
            raise DeliveryFailed("WhatsApp Cloud API not configured (phone number id, token)")

    def send(self, message: Message) -> str:
        to = message.address.strip().lstrip("+")
        body = message.body
        media = self._upload_pass(message) if message.attachment else ""
        if self._in_window(message.address):
            payload = self._session(message, to, body, media)
            status, headers, reply = self._post(payload)
            if status >= 400 and _whatsapp_code(reply) == WHATSAPP_REENGAGEMENT:
                status, headers, reply = self._post(self._template(message, to, body, media))
        else:
            status, headers, reply = self._post(self._template(message, to, body, media))
        if 200 <= status < 300:
            messages = _json(reply).get("messages") or [{}]
            return str(messages[0].get("id", ""))[:100]
        code = _whatsapp_code(reply)
        if status == 429 or code in WHATSAPP_RATE_LIMITS:
            raise DeliveryFailed(f"WhatsApp {code or status}: rate limited",
                                 retry_after=_retry_after(headers.get("Retry-After"), 60))
        permanent = code in WHATSAPP_PERMANENT or (400 <= status < 500 and status not in
                                                   (401, 403, 408) and code != 0)
        raise DeliveryFailed(f"WhatsApp {code or 'HTTP'} {status}", permanent=permanent)

    def _upload_pass(self, message: Message) -> str:
        """The pass's QR code as a PNG, uploaded to /{phone-number-id}/media: its media id."""
        png = io.BytesIO()
        segno.make_qr(message.attachment, error="q", boost_error=False).save(
            png, kind="png", scale=8, border=4)
        boundary = f"sp{message.idempotency_key.hex}"
        parts = [(b'name="messaging_product"', b"whatsapp"), (b'name="type"', b"image/png"),
                 (b'name="file"; filename="boarding-pass.png"\r\nContent-Type: image/png',
                  png.getvalue())]
        body = b"".join(b"--" + boundary.encode() + b"\r\nContent-Disposition: form-data; "
                        + head + b"\r\n\r\n" + value + b"\r\n" for head, value in parts)
        body += b"--" + boundary.encode() + b"--\r\n"
        status, headers, reply = self.http.post(
            f"/{settings.WHATSAPP_PHONE_NUMBER_ID}/media", body,
            {"Content-Type": f"multipart/form-data; boundary={boundary}",
             "Authorization": f"Bearer {settings.WHATSAPP_ACCESS_TOKEN}"})
        if 200 <= status < 300:
            return str(_json(reply).get("id", ""))
        if status == 429:
            raise DeliveryFailed("WhatsApp media 429: rate limited",
                                 retry_after=_retry_after(headers.get("Retry-After"), 60))
        raise DeliveryFailed(f"WhatsApp media upload {_whatsapp_code(reply) or 'HTTP'} {status}")

    def _session(self, message: Message, to: str, body: str, media: str = "") -> dict[str, Any]:
        if media:
            return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
                    "type": "image", "image": {"id": media, "caption": body[:1024]},
                    "biz_opaque_callback_data": str(message.idempotency_key)}
        return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
                "type": "text", "text": {"preview_url": False, "body": body[:4096]},
                "biz_opaque_callback_data": str(message.idempotency_key)}

    def _template(self, message: Message, to: str, body: str, media: str = "") -> dict[str, Any]:
        components: list[dict[str, Any]] = [{"type": "body", "parameters": [
            {"type": "text", "text": body[:1024]}]}]
        if media:  # the pass's template has an image header
            components.insert(0, {"type": "header", "parameters": [
                {"type": "image", "image": {"id": media}}]})
        name = settings.WHATSAPP_PASS_TEMPLATE if media else settings.WHATSAPP_TEMPLATE
        return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
                "biz_opaque_callback_data": str(message.idempotency_key), "type": "template",
                "template": {"name": name,
                             "language": {"code": WHATSAPP_LANGUAGES.get(message.language, "en")},
                             "components": components}}

    def _post(self, payload: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        return self.http.post(
            f"/{settings.WHATSAPP_PHONE_NUMBER_ID}/messages",
            json.dumps(payload, ensure_ascii=False).encode(),
            {"Content-Type": "application/json",
             "Authorization": f"Bearer {settings.WHATSAPP_ACCESS_TOKEN}"})

    def close(self) -> None:
        self.http.close()


def _whatsapp_code(reply: bytes) -> int:
    error = _json(reply).get("error") or {}
    try:
        return int(error.get("code", 0))
    except (TypeError, ValueError):
        return 0


# --- Twilio (SMS and WhatsApp) -------------------------------------------------------------------

# Twilio error codes (twilio.com/docs/api/errors) after which the message can never go.
TWILIO_PERMANENT = {21211, 21408, 21610, 21612, 21614, 63003, 63024}
TWILIO_RATE_LIMITED = {20429, 14107}


class Twilio:
    """POST /2010-04-01/Accounts/{sid}/Messages.json through twilio's client, pointed at
    settings.TWILIO_API_URL (a stand-in in tests and the bench). Twilio has no idempotency key
    for messages: a message sent and not recorded before a crash goes twice (decision 0033)."""

    def __init__(self, *, whatsapp: bool = False) -> None:
        self.whatsapp = whatsapp
        self.provider = "twilio"
        self.idempotent = False  # Twilio's Messages API takes no idempotency key
        self.client: Any = None
        self.http: Any = None

    def open(self) -> None:
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        sender = settings.TWILIO_WHATSAPP_FROM if self.whatsapp else settings.TWILIO_SMS_FROM
        if not (settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN and sender):
            raise DeliveryFailed("Twilio not configured (account, token, sender)")
        base = settings.TWILIO_API_URL.rstrip("/")

        class _PointedClient(TwilioHttpClient):  # type: ignore[misc]
            # twilio builds https://api.twilio.com/...; the stand-in (or a proxy) lives at base.
            def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
                url = url.replace("https://api.twilio.com", base, 1)
                return super().request(method, url, *args, **kwargs)

        self.http = _PointedClient(timeout=settings.MESSAGING_SEND_TIMEOUT)
        self.client = Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN,
                             http_client=self.http)

    def send(self, message: Message) -> str:
        from twilio.base.exceptions import TwilioException, TwilioRestException

        if self.client is None:
            self.open()
        prefix = "whatsapp:" if self.whatsapp else ""
        sender = settings.TWILIO_WHATSAPP_FROM if self.whatsapp else settings.TWILIO_SMS_FROM
        fields: dict[str, Any] = {"to": prefix + message.address.strip(),
                                  "from_": prefix + sender.removeprefix("whatsapp:"),
                                  "body": message.body}
        if settings.MESSAGING_PUBLIC_URL:
            base = settings.MESSAGING_PUBLIC_URL
            fields["status_callback"] = f"{base}/messaging/webhooks/twilio/status/"
        try:
            created = self.client.messages.create(**fields)
        except TwilioRestException as exc:
            code = int(exc.code or 0)
            if exc.status == 429 or code in TWILIO_RATE_LIMITED:
                last = getattr(self.http, "_test_only_last_response", None)
                wait = _retry_after(last.headers.get("Retry-After") if last else None, 1)
                raise DeliveryFailed(f"Twilio {code or 429}: rate limited",
                                     retry_after=wait) from None
            permanent = code in TWILIO_PERMANENT or (400 <= exc.status < 500
                                                     and exc.status not in (401, 403, 408))
            raise DeliveryFailed(f"Twilio {code or 'HTTP'} {exc.status}",
                                 permanent=permanent) from None
        except (TwilioException, OSError) as exc:
            raise DeliveryFailed(f"Twilio unreachable ({type(exc).__name__})") from None
        except Exception as exc:  # requests' own errors (connection refused, timeout)
            if type(exc).__module__.startswith("requests"):
                raise DeliveryFailed(f"Twilio unreachable ({type(exc).__name__})") from None
            raise
        return str(created.sid or "")[:100]

    def close(self) -> None:
        if self.http is not None and self.http.session is not None:
            self.http.session.close()
        self.client = self.http = None


# --- RapidPro external channel --------------------------------------------------------------------


class RapidProExternal:
    """RapidPro's "External API" channel, with SafePassage in RapidPro's place: each message is
    POSTed form-encoded (id, text, to, to_no_plus, from, channel) to the send URL; the gateway
    reports back on our received/sent/delivered/failed URLs. The id is the message's
    idempotency key: a gateway that sees an id again does not send again."""

    provider = "rapidpro"
    idempotent = True  # the gateway recognises the message id

    def __init__(self) -> None:
        self.http = HttpJson(settings.RAPIDPRO_SEND_URL or "http://unset.invalid", "RapidPro")

    def open(self) -> None:
        if not settings.RAPIDPRO_SEND_URL:
            raise DeliveryFailed("No RapidPro send URL configured (SAFEPASSAGE_RAPIDPRO_SEND_URL)")

    def send(self, message: Message) -> str:
        to = message.address.strip()
        fields = {"id": str(message.idempotency_key), "text": message.body, "to": to,
                  "to_no_plus": to.lstrip("+"), "from": settings.MESSAGING_SMS_SENDER,
                  "channel": "safepassage"}
        query = self.http.url.query
        status, headers, _reply = self.http.post(
            "" + (f"?{query}" if query else ""),
            urllib.parse.urlencode(fields).encode(),
            {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        if 200 <= status < 300:
            return str(message.idempotency_key)
        if status == 429:
            raise DeliveryFailed("RapidPro gateway 429: rate limited",
                                 retry_after=_retry_after(headers.get("Retry-After"), 1))
        raise DeliveryFailed(f"RapidPro gateway answered HTTP {status}",
                             permanent=400 <= status < 500 and status != 408)

    def close(self) -> None:
        self.http.close()


# --- E-mail through anymail ----------------------------------------------------------------------


class AnymailEmail:
    """E-mail through the provider's API with django-anymail (Postmark by default). The
    message's key travels as metadata, which the provider's tracking webhooks carry back."""

    provider = "anymail"
    idempotent = False  # Postmark takes no idempotency key

    def __init__(self) -> None:
        self.connection: Any = None

    def open(self) -> None:
        self.connection = get_connection(settings.MESSAGING_ANYMAIL_BACKEND, fail_silently=False)

    def send(self, message: Message) -> str:
        from anymail.exceptions import (
            AnymailAPIError,
            AnymailError,
            AnymailRecipientsRefused,
            AnymailRequestsAPIError,
        )

        if self.connection is None:
            self.open()
        address = message.address.strip()
        if "@" not in address or any(c in address for c in "\r\n,;<>"):
            raise DeliveryFailed("E-mail address not usable", permanent=True)
        mail = EmailMultiAlternatives(
            subject=message.subject, body=message.body,
            from_email=settings.MESSAGING_EMAIL_FROM, to=[address],
            headers={"Content-Language": message.language}, connection=self.connection)
        mail.attach_alternative(email_html(message.body, message.language), "text/html")
        mail.metadata = {"safepassage_key": str(message.idempotency_key)}  # type: ignore[attr-defined]
        try:
            mail.send()
        except AnymailRecipientsRefused:
            raise DeliveryFailed("E-mail provider refused the recipient", permanent=True) from None
        except AnymailRequestsAPIError as exc:
            status = int(exc.status_code or 0)
            if status == 429:
                wait = exc.response.headers.get("Retry-After") if exc.response is not None else None
                raise DeliveryFailed("E-mail provider 429: rate limited",
                                     retry_after=_retry_after(wait, 1)) from None
            code = _json(exc.response.content if exc.response is not None else b"").get(
                "ErrorCode", "")
            raise DeliveryFailed(f"E-mail provider {code or 'HTTP'} {status}",
                                 permanent=status == 422) from None
        except (AnymailAPIError, AnymailError) as exc:
            raise DeliveryFailed(f"E-mail provider unreachable ({type(exc).__name__})") from None
        status = mail.anymail_status  # type: ignore[attr-defined]
        return str(status.message_id or "")[:100]

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


# --- Telegram Bot API -----------------------------------------------------------------------------


class Telegram:
    """POST /bot{token}/sendMessage {chat_id, text}: to people who started a chat with our bot
    (their chat id is kept with their channel choice)."""

    provider = "telegram"
    idempotent = False

    def __init__(self) -> None:
        self.http = HttpJson(settings.TELEGRAM_API_URL, "Telegram")

    def open(self) -> None:
        if not settings.TELEGRAM_BOT_TOKEN:
            raise DeliveryFailed("Telegram bot not configured (SAFEPASSAGE_TELEGRAM_BOT_TOKEN)")

    def send(self, message: Message) -> str:
        payload = {"chat_id": message.address.strip(), "text": message.body[:4096]}
        status, _headers, reply = self.http.post(
            f"/bot{settings.TELEGRAM_BOT_TOKEN}/sendMessage",
            json.dumps(payload, ensure_ascii=False).encode(),
            {"Content-Type": "application/json"})
        answer = _json(reply)
        if status == 200 and answer.get("ok"):
            return str((answer.get("result") or {}).get("message_id", ""))[:100]
        if status == 429:
            wait = (answer.get("parameters") or {}).get("retry_after", 1)
            raise DeliveryFailed("Telegram 429: rate limited", retry_after=_retry_after(str(wait)))
        raise DeliveryFailed(f"Telegram HTTP {status}",
                             permanent=status in (400, 403))  # 403: the bot was blocked

    def close(self) -> None:
        self.http.close()


