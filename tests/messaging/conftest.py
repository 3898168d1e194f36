"""A real SMTP server (aiosmtpd) and the fake SMS gateway, on free local ports."""

from __future__ import annotations

import email
import json
import socket
import threading
import urllib.request
from collections.abc import Iterator
from email.message import Message as EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

from safepassage.messaging import standins
from safepassage.messaging.fake_sms_provider import FakeSmsProvider
from safepassage.messaging.standins import ProviderStandIn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Mailbox:
    """Keeps every e-mail received; refuses recipients listed in `refuse` with 550."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.refuse: set[str] = set()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Envelope, address: str,
                          rcpt_options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        with self.lock:
            self.received.append((list(envelope.rcpt_tos), email.message_from_bytes(content)))
        return "250 Message accepted"


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Mailbox]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MESSAGING_SMTP_HOST = "127.0.0.1"
    settings.MESSAGING_SMTP_PORT = controller.port
    yield mailbox
    controller.stop()


@pytest.fixture
def sms_provider(settings: Any) -> Iterator[FakeSmsProvider]:
    provider = FakeSmsProvider().start()
    settings.MESSAGING_SMS_URL = provider.url
    yield provider
    provider.stop()


SETTING_OF = {
    "SAFEPASSAGE_WHATSAPP_API_URL": "WHATSAPP_API_URL",
    "SAFEPASSAGE_WHATSAPP_PHONE_NUMBER_ID": "WHATSAPP_PHONE_NUMBER_ID",
    "SAFEPASSAGE_WHATSAPP_ACCESS_TOKEN": "WHATSAPP_ACCESS_TOKEN",
    "SAFEPASSAGE_TWILIO_API_URL": "TWILIO_API_URL",
    "SAFEPASSAGE_TWILIO_ACCOUNT_SID": "TWILIO_ACCOUNT_SID",
    "SAFEPASSAGE_TWILIO_AUTH_TOKEN": "TWILIO_AUTH_TOKEN",
    "SAFEPASSAGE_TWILIO_SMS_FROM": "TWILIO_SMS_FROM",
    "SAFEPASSAGE_TWILIO_WHATSAPP_FROM": "TWILIO_WHATSAPP_FROM",
    "SAFEPASSAGE_RAPIDPRO_SEND_URL": "RAPIDPRO_SEND_URL",
    "SAFEPASSAGE_TELEGRAM_API_URL": "TELEGRAM_API_URL",
    "SAFEPASSAGE_TELEGRAM_BOT_TOKEN": "TELEGRAM_BOT_TOKEN",
}


class StandIn:
    """The providers' stand-in with a `control` helper (POST /control)."""

    def __init__(self, server: ProviderStandIn) -> None:
        self.server = server
        self.state = server.state
        self.base_url = server.base_url

    def control(self, **command: Any) -> None:
        request = urllib.request.Request(  # noqa: S310 - a local test server
            self.base_url + "/control", data=json.dumps(command).encode(), method="POST",
            headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request).read()  # noqa: S310

    def delivered(self, provider: str) -> list[dict[str, Any]]:
        return [d for d in self.state.deliveries if d["provider"] == provider]


@pytest.fixture
def providers(settings: Any) -> Iterator[StandIn]:
    """The providers' stand-in, every adapter pointed at it, webhook secrets set."""
    server = ProviderStandIn().start()
    for variable, value in server.environment().items():
        if variable in SETTING_OF:
            setattr(settings, SETTING_OF[variable], value)
    settings.ANYMAIL = {**settings.ANYMAIL, "POSTMARK_SERVER_TOKEN": standins.POSTMARK_TOKEN,
                        "POSTMARK_API_URL": f"{server.base_url}/",
                        "WEBHOOK_SECRET": "postmark:hook-secret"}
    settings.WHATSAPP_APP_SECRET = "meta-app-secret"
    settings.WHATSAPP_VERIFY_TOKEN = "verify-me"
    settings.RAPIDPRO_SECRET = "rapidpro-shared-secret"
    settings.TELEGRAM_SECRET_TOKEN = "telegram-secret"
    settings.MESSAGING_PUBLIC_URL = "https://safepassage.example.org"
    yield StandIn(server)
    server.stop()
