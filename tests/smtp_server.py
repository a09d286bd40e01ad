"""A real SMTP server on loopback for the sending tests (aiosmtpd in a thread).

STARTTLS with a certificate made for the test (``openssl req``), AUTH
required, and knobs for the failures sending must survive: a 451 before the
250, a 550 for one recipient, a SIGKILL of the sender at the n-th message.
"""

from __future__ import annotations

import os
import signal
import socket
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "press-office", "correct horse battery staple"


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes
    tls: bool
    login: str

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)  # type: ignore[return-value]


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)
    temporary: dict[str, int] = field(default_factory=dict)  # address -> 451s left
    permanent: set[str] = field(default_factory=set)  # addresses answered 550
    kill_at: int = 0  # SIGKILL kill_pid when this many messages have been received
    kill_pid: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        if address in self.permanent:
            return "550 5.1.1 mailbox unavailable"
        if self.temporary.get(address, 0) > 0:
            self.temporary[address] -= 1
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            if self.kill_at and len(self.received) == self.kill_at:
                # The sender dies before the server says 250: this message was
                # never accepted, as a real server would treat a dropped DATA.
                deadline = time.monotonic() + 60
                while not self.kill_pid and time.monotonic() < deadline:
                    time.sleep(0.01)
                os.kill(self.kill_pid, signal.SIGKILL)
                self.kill_at = 0
                return "451 4.3.0 sender went away"
            self.received.append(
                Received(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    bytes(envelope.content),
                    tls=session.ssl is not None,
                    login=(
                        session.auth_data.login.decode()
                        if isinstance(session.auth_data, LoginPassword)
                        else ""
                    ),
                )
            )
        return "250 2.0.0 queued"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.recipients]


def _authenticate(server, session, envelope, mechanism, auth_data):  # noqa: ANN001
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login.decode() == USER
        and auth_data.password.decode() == PASSWORD
    )
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, folder: Path, *, tls: bool = True) -> None:
        self.handler = Handler()
        self.port = free_port()
        self.cert = None
        kwargs = {}
        if tls:
            self.cert, key = make_certificate(folder)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(self.cert, key)
            kwargs = {
                "tls_context": context,
                "require_starttls": True,
                "authenticator": _authenticate,
                "auth_required": True,
            }
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **kwargs)

    def __enter__(self) -> Server:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.stopped:
            self.controller.stop()

    stopped = False

    def stop(self) -> None:
        """Take the server down (a test of a server that is not there)."""
        self.controller.stop()
        self.stopped = True

    def settings_toml(self, **extra: object) -> str:
        lines = ["", "[send]", 'host = "127.0.0.1"', f"port = {self.port}"]
        if self.cert:
            lines += ['security = "starttls"', f'cafile = "{self.cert}"', f'username = "{USER}"']
        else:
            lines += ['security = "none"']
        lines += ["retry_delay = 0.01"]
        lines += [f"{key} = {value!r}".replace("'", '"') for key, value in extra.items()]
        return "\n".join(lines) + "\n"
