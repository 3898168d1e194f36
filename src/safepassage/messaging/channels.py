"""The ways a message reaches a person, behind one interface: open, send each, close.

A channel raises DeliveryFailed with a reason made of codes only (an SMTP reply code, an HTTP
status), never the provider's free text, which may quote the address back.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import smtplib
import socket
import ssl
import urllib.parse
from email.header import Header
from email.utils import formatdate, parseaddr
from typing import Protocol

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend

from safepassage.messaging.models import Kind, Message, Via
from safepassage.messaging.notices import email_html


class DeliveryFailed(Exception):
    def __init__(self, reason: str, *, permanent: bool = False,
                 retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason[:200]
        self.permanent = permanent
        # Seconds the provider asked us to wait (HTTP 429 Retry-After): the channel is paused
        # that long for every message of the batch, not only this one.
        self.retry_after = retry_after


class Channel(Protocol):
    provider: str
    # Whether the provider recognises a message sent again (by our key) and does not deliver it
    # twice: then a crash between sending and recording costs nothing.
    idempotent: bool

    def open(self) -> None: ...

    def send(self, message: Message) -> str:
        """Deliver one message; return the provider's id for it, or raise DeliveryFailed."""
        ...

    def close(self) -> None: ...


def message_id_for(message: Message) -> str:
    return f"<{message.idempotency_key}@safepassage>"


class SmtpEmail:
    """E-mail over SMTP, one recipient per message, one connection for a batch."""

    provider = "smtp"
    idempotent = False

    def __init__(self) -> None:
        self.backend: EmailBackend | None = None

    def open(self) -> None:
        self.backend = EmailBackend(
            host=settings.MESSAGING_SMTP_HOST, port=settings.MESSAGING_SMTP_PORT,
            username=settings.MESSAGING_SMTP_USER, password=settings.MESSAGING_SMTP_PASSWORD,
            use_tls=settings.MESSAGING_SMTP_STARTTLS, use_ssl=settings.MESSAGING_SMTP_SSL,
            timeout=settings.MESSAGING_SEND_TIMEOUT, fail_silently=False,
        )
        try:
            self.backend.open()
        except (OSError, smtplib.SMTPException) as exc:
            self.backend = None
            raise DeliveryFailed(_smtp_reason("connect", exc)) from exc

    def send(self, message: Message) -> str:
        if self.backend is None:
            self.open()
        assert self.backend is not None
        address = message.address.strip()
        if not address.isascii() or any(c in address for c in "\r\n,;<>") or "@" not in address:
            raise DeliveryFailed("E-mail address not usable for SMTP", permanent=True)
        raw = email_bytes(message)
        sender = parseaddr(settings.MESSAGING_EMAIL_FROM)[1]
        try:
            try:
                self._smtp().sendmail(sender, [address], raw)
            except smtplib.SMTPServerDisconnected:  # an idle connection the server dropped
                self.close()
                self.open()
                self._smtp().sendmail(sender, [address], raw)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = {code for code, _text in exc.recipients.values()}
            code = min(codes) if codes else 0
            raise DeliveryFailed(f"SMTP {code}: recipient refused", permanent=code >= 500) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.close()  # the connection is in an unknown state: start afresh next time
            raise DeliveryFailed(_smtp_reason("send", exc), permanent=_smtp_permanent(exc)) from exc
        return message_id_for(message)

    def _smtp(self) -> smtplib.SMTP:
        assert self.backend is not None and self.backend.connection is not None
        return self.backend.connection

    def close(self) -> None:
        if self.backend is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.backend.close()
            self.backend = None


def email_bytes(message: Message) -> bytes:
    """The e-mail as sent: text and HTML alternatives, UTF-8 in base64, one recipient.

    Written out directly: building it with the email package (as Django does) took several
    milliseconds a message, more than the SMTP exchange.
    """
    boundary = f"=_sp_{message.idempotency_key.hex}"

    def part(content_type: str, text: str) -> str:
        body = base64.encodebytes(text.encode("utf-8")).decode("ascii").replace("\n", "\r\n")
        return (f"--{boundary}\r\nContent-Type: {content_type}; charset=\"utf-8\"\r\n"
                f"Content-Transfer-Encoding: base64\r\n\r\n{body}")

    headers = [
        f"From: {_header(settings.MESSAGING_EMAIL_FROM)}",
        f"To: {message.address.strip()}",
        f"Subject: {_header(message.subject)}",
        f"Date: {formatdate(localtime=False)}",
        f"Message-ID: {message_id_for(message)}",
        f"Content-Language: {message.language}",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
    ]
    return (
        "\r\n".join(headers) + "\r\n\r\n"
        + part("text/plain", message.body)
        + part("text/html", email_html(message.body, message.language))
        + f"--{boundary}--\r\n"
    ).encode("ascii")


def _header(value: str) -> str:
    if value.isascii() and "\n" not in value and "\r" not in value:
        return value
    return Header(value, "utf-8").encode()


def _smtp_reason(stage: str, exc: Exception) -> str:
    code = getattr(exc, "smtp_code", None)
    if code:
        return f"SMTP {code} at {stage}"
    return f"SMTP server unreachable at {stage} ({type(exc).__name__})"


def _smtp_permanent(exc: Exception) -> bool:
    code = getattr(exc, "smtp_code", 0) or 0
    return 500 <= code < 600


class NoDelayHTTPConnection(http.client.HTTPConnection):
    # http.client writes headers and body separately: without TCP_NODELAY, Nagle's algorithm
    # and the server's delayed ACK hold every request back by tens of milliseconds.
    def connect(self) -> None:
        super().connect()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _NoDelayHTTPSConnection(http.client.HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class SmsGateway:
    """An HTTP SMS gateway: POST {to, text, sender} as JSON with an Idempotency-Key header.

    The gateway answers 2xx with {"id": ...}. 4xx means this message can never go (a bad
    number), except 408 and 429; 5xx and network errors are worth another try.
    """

    provider = "gateway"
    idempotent = True

    def __init__(self) -> None:
        self.url = urllib.parse.urlsplit(settings.MESSAGING_SMS_URL)
        self.conn: http.client.HTTPConnection | None = None
        self.retry_after: float | None = None

    def open(self) -> None:
        if not settings.MESSAGING_SMS_URL:
            raise DeliveryFailed("No SMS gateway configured (SAFEPASSAGE_SMS_URL)")
        timeout = settings.MESSAGING_SEND_TIMEOUT
        host, port = self.url.hostname or "", self.url.port
        if self.url.scheme == "https":
            self.conn = _NoDelayHTTPSConnection(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            self.conn = NoDelayHTTPConnection(host, port, timeout=timeout)

    def send(self, message: Message) -> str:
        fields = {"to": message.address, "text": message.body,
                  "sender": settings.MESSAGING_SMS_SENDER}
        if message.kind == Kind.CONTACT_CODE:  # a neutral code names no sender either
            fields["sender"] = settings.MESSAGING_SMS_NEUTRAL_SENDER
            if not fields["sender"]:
                del fields["sender"]  # the gateway's own number
        payload = json.dumps(fields, ensure_ascii=False).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": str(message.idempotency_key),
        }
        if settings.MESSAGING_SMS_TOKEN:
            headers["Authorization"] = f"Bearer {settings.MESSAGING_SMS_TOKEN}"
        status, body = self._post(payload, headers)
        if 200 <= status < 300:
            try:
                return str(json.loads(body or b"{}").get("id", ""))[:100]
            except (ValueError, AttributeError):
                return ""
        permanent = 400 <= status < 500 and status not in (408, 429)
        raise DeliveryFailed(f"SMS gateway answered HTTP {status}", permanent=permanent,
                             retry_after=self.retry_after if status == 429 else None)

    def _post(self, payload: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        path = self.url.path or "/"
        for attempt in (1, 2):  # a kept-alive connection the server closed: reconnect once
            if self.conn is None:
                self.open()
            assert self.conn is not None
            try:
                self.conn.request("POST", path, body=payload, headers=headers)
                response = self.conn.getresponse()
                wait = response.getheader("Retry-After")
                self.retry_after = float(wait) if wait and wait.isdigit() else None
                return response.status, response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise DeliveryFailed("SMS gateway closed the connection") from None
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                kind = "timed out" if isinstance(exc, socket.timeout) else "unreachable"
                raise DeliveryFailed(f"SMS gateway {kind} ({type(exc).__name__})") from exc
        raise DeliveryFailed("SMS gateway unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class StatusPage:
    """The person's status page reads the outbox itself: nothing to send, shown at once."""

    provider = ""
    idempotent = True

    def open(self) -> None:
        pass

    def send(self, message: Message) -> str:
        return ""

    def close(self) -> None:
        pass


def channel_for(via: str) -> Channel:
    """The adapter of the provider configured for `via` (settings.MESSAGING_*_PROVIDER)."""
    from safepassage.messaging import providers

    if via == Via.EMAIL:
        if settings.MESSAGING_EMAIL_PROVIDER == "anymail":
            return providers.AnymailEmail()
        return SmtpEmail()
    if via == Via.SMS:
        if settings.MESSAGING_SMS_PROVIDER == "twilio":
            return providers.Twilio()
        if settings.MESSAGING_SMS_PROVIDER == "rapidpro":
            return providers.RapidProExternal()
        return SmsGateway()
    if via == Via.WHATSAPP:
        if settings.MESSAGING_WHATSAPP_PROVIDER == "twilio":
            return providers.Twilio(whatsapp=True)
        return providers.WhatsAppCloud()
    if via == Via.TELEGRAM:
        return providers.Telegram()
    return StatusPage()


def configured_channels() -> list[str]:
    """The channels a message can go out on here, in the default order of preference."""
    vias = []
    if settings.MESSAGING_WHATSAPP_PROVIDER:
        vias.append(Via.WHATSAPP)
    if settings.TELEGRAM_BOT_TOKEN:
        vias.append(Via.TELEGRAM)
    vias += [Via.SMS, Via.EMAIL]
    return [str(v) for v in vias]
