"""Fixtures for bringing people in: a real SMTP server, tasks that run at once, links.

`smtp_server` starts aiosmtpd on loopback (a free port) and points Django's
SMTP backend at it, with the immediate task backend: an email queued by a
request has been delivered over SMTP by the time the response comes back.
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@dataclass
class Delivered:
    to: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, content_type: str) -> str:
        for part in self.message.walk():
            if part.get_content_type() == content_type:
                return str(part.get_content())  # type: ignore[attr-defined]
        raise AssertionError(f"no {content_type} part in {self.subject!r}")

    @property
    def text(self) -> str:
        return self.part("text/plain")

    @property
    def html(self) -> str:
        return self.part("text/html")

    def link(self) -> str:
        """The one link in the plain-text part, as a path on this site."""
        urls = re.findall(r"https?://[^\s]+", self.text)
        assert urls, f"no link in {self.subject!r}"
        return re.sub(r"^https?://[^/]+", "", urls[0])


@dataclass
class Inbox:
    """What the SMTP server received, in order."""

    messages: list[Delivered] = field(default_factory=list)

    def to(self, address: str) -> list[Delivered]:
        return [m for m in self.messages if address in m.to]

    def last_to(self, address: str) -> Delivered:
        received = self.to(address)
        assert received, f"nothing was delivered to {address}"
        return received[-1]


class _Handler:
    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.inbox.messages.append(Delivered(list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Inbox]:
    """A real SMTP server process on loopback; Django sends to it, at once."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(_Handler(inbox), hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.TASKS = IMMEDIATE_TASKS
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    """Queued email is sent at once (to Django's test outbox, mail.outbox)."""
    settings.TASKS = IMMEDIATE_TASKS
