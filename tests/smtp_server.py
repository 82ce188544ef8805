"""A real SMTP server on loopback (aiosmtpd) that records what arrives."""

from __future__ import annotations

import asyncio
import email
import threading
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


class RecordingHandler:
    """Keeps every message it accepts; can refuse chosen recipients with a chosen reply."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: dict[str, str] = {}  # recipient -> SMTP reply, e.g. "550 No such user"
        self.delay = 0.0  # seconds to take over each message, like a real server
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(parsed)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m, (_f, rcpts) in zip(self.messages, self.envelopes, strict=True)
                    if address in rcpts]


class LoopbackController(Controller):
    """aiosmtpd 1.4.6 cannot start on port 0: its start-up probe connects to port 0. Read the
    real port from the bound socket before the probe runs."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        return super()._trigger_server()


def start_smtp(handler: RecordingHandler | None = None, port: int = 0) -> LoopbackController:
    controller = LoopbackController(
        handler or RecordingHandler(), hostname="127.0.0.1", port=port
    )
    controller.start()
    return controller


@pytest.fixture
def smtp():
    """A loopback SMTP server; ``smtp.handler.messages`` is what arrived."""
    controller = start_smtp(RecordingHandler())
    yield controller
    if controller._thread is not None:  # a test may have stopped it already
        controller.stop()


@pytest.fixture
def mail_config(app_config, smtp):
    """Point the app's mail at the loopback server (ask for it before ``app``)."""
    app_config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp.port,
        MAIL_CONNECT_TIMEOUT=2,
        MAIL_TIMEOUT=2,
    )
    return app_config
