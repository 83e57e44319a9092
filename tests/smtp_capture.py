"""A real SMTP server for tests that send mail from another process (a Celery worker, a
management command in a subprocess): it keeps every accepted message in memory, and can
refuse the first attempt(s) for a recipient with a temporary error (451)."""

import email
import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from email import policy

from aiosmtpd.controller import Controller

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command


@dataclass
class CapturedMessage:
    mail_from: str
    recipients: list[str]
    subject: str
    received_at: float
    raw: bytes = field(repr=False)


class _Handler:
    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []
        self.refusals = {}  # address -> refusals still to give
        self.refused = []  # (address, time) of every refusal given

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            if self.refusals.get(address.lower(), 0) > 0:
                self.refusals[address.lower()] -= 1
                self.refused.append((address.lower(), time.monotonic()))
                return "451 4.3.0 Try again later (test refusal)"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=policy.default)
        message = CapturedMessage(
            mail_from=envelope.mail_from,
            recipients=[address.lower() for address in envelope.rcpt_tos],
            subject=str(parsed["Subject"] or ""),
            received_at=time.monotonic(),
            raw=raw,
        )
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"


def free_port(host="127.0.0.1"):
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


class SMTPCapture:
    """Start with .start(), stop with .stop(); .port is where clients connect."""

    def __init__(self, host="127.0.0.1"):
        self.host = host
        self.port = None
        self._handler = _Handler()
        self._controller = None

    @property
    def url(self):
        return f"smtp://{self.host}:{self.port}"

    def start(self):
        self.port = free_port(self.host)
        self._controller = Controller(self._handler, hostname=self.host, port=self.port)
        self._controller.start()
        return self

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def reset(self):
        with self._handler.lock:
            self._handler.messages.clear()
            self._handler.refusals.clear()
            self._handler.refused.clear()

    def refuse_first(self, address, times=1):
        """Answer 451 at RCPT TO for the next `times` attempts to reach this address."""
        with self._handler.lock:
            self._handler.refusals[address.lower()] = times

    @property
    def messages(self):
        with self._handler.lock:
            return list(self._handler.messages)

    @property
    def refused(self):
        with self._handler.lock:
            return list(self._handler.refused)

    def count_by_recipient(self):
        counts = {}
        for message in self.messages:
            for address in message.recipients:
                counts[address] = counts.get(address, 0) + 1
        return counts

    def wait_for(self, count, timeout=30.0, interval=0.1):
        """Wait until at least `count` messages arrived; return whether they did."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages) >= count:
                return True
            time.sleep(interval)
        return len(self.messages) >= count
