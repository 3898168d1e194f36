"""A real SMTP server (aiosmtpd) and the fake SMS gateway, on free local ports."""

from __future__ import annotations

import email
import socket
import threading
from collections.abc import Iterator
from email.message import Message as EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

from safepassage.messaging.fake_sms_provider import FakeSmsProvider


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
