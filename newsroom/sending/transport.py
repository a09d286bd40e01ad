"""How messages leave: SMTP (one connection, reused) or the local ``sendmail`` command.

``send`` raises ``Temporary`` (4xx, a dropped connection: worth retrying) or
``Permanent`` (5xx: report it and go on to the next recipient). ``open``
raises ``SendError`` when the server cannot be reached or refuses the login,
before anything is sent.
"""

from __future__ import annotations

import shutil
import smtplib
import ssl
import subprocess

from .config import SendError, SendSettings, check_for_smtp, password


class Failure(Exception):
    def __init__(self, reply: str) -> None:
        super().__init__(reply)
        self.reply = reply


class Temporary(Failure):
    """Try again later: a 4xx reply."""


class ConnectionLost(Temporary):
    """The connection dropped; reconnecting may help."""


class Permanent(Failure):
    """A 5xx reply: this recipient will not get this message."""


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())}"


def _failure(code: int, text: bytes | str) -> Failure:
    reply = _reply(code, text)
    return Temporary(reply) if 400 <= code < 500 else Permanent(reply)


class SMTPTransport:
    name = "smtp"

    def __init__(self, settings: SendSettings, *, context: ssl.SSLContext | None = None) -> None:
        check_for_smtp(settings)
        self.settings = settings
        self.context = context
        self.smtp: smtplib.SMTP | None = None
        self._password: str | None = None

    def _context(self) -> ssl.SSLContext:
        if self.context is None:
            self.context = ssl.create_default_context(cafile=self.settings.cafile or None)
        return self.context

    def open(self) -> None:
        settings = self.settings
        where = f"{settings.host}:{settings.port}"
        if self._password is None:
            self._password = password(settings) if settings.username else ""
            if settings.username and not self._password:
                raise SendError(
                    f"no password for {settings.username} at {settings.host}: set "
                    "NEWSROOM_SMTP_PASSWORD or see docs/sending.md"
                )
        try:
            if settings.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    settings.host, settings.port, timeout=settings.timeout, context=self._context()
                )
            else:
                smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
                if settings.security == "starttls":
                    smtp.starttls(context=self._context())
            if settings.username:
                smtp.login(settings.username, self._password)
        except smtplib.SMTPAuthenticationError as error:
            raise SendError(
                f"{where} refused the login for {settings.username}: "
                f"{_reply(error.smtp_code, error.smtp_error)}"
            ) from None
        except smtplib.SMTPNotSupportedError as error:
            raise SendError(f"{where}: {error} (check send.security)") from None
        except ssl.SSLError as error:
            raise SendError(f"{where}: the secure connection failed: {error}") from None
        except (OSError, smtplib.SMTPException) as error:
            raise SendError(
                f"cannot reach the mail server {where}: {getattr(error, 'strerror', None) or error}"
            ) from None
        self.smtp = smtp

    def send(self, sender: str, recipient: str, data: bytes) -> None:
        if self.smtp is None:
            try:
                self.open()
            except SendError as error:
                raise ConnectionLost(str(error)) from None
        assert self.smtp is not None
        try:
            refused = self.smtp.sendmail(sender, [recipient], data)
        except smtplib.SMTPRecipientsRefused as error:
            code, text = error.recipients.get(recipient, (550, b"refused"))
            raise _failure(code, text) from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
            raise _failure(error.smtp_code, error.smtp_error) from None
        except (smtplib.SMTPServerDisconnected, OSError) as error:
            self._drop()
            raise ConnectionLost(f"connection lost: {error}") from None
        except smtplib.SMTPResponseException as error:
            self._drop()
            raise _failure(error.smtp_code, error.smtp_error) from None
        if refused:
            code, text = refused.get(recipient, (550, b"refused"))
            raise _failure(code, text)

    def _drop(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.close()
            except OSError:
                pass
        self.smtp = None

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
        self._drop()


EX_TEMPFAIL = 75  # sysexits.h: sendmail, msmtp and postfix use it for "try later"


class SendmailTransport:
    """Each message piped to ``sendmail -i -f SENDER -- RECIPIENT`` (msmtp, postfix, exim…)."""

    name = "sendmail"

    def __init__(self, command: str = "sendmail") -> None:
        self.command = command
        self.path: str | None = None

    def open(self) -> None:
        self.path = shutil.which(self.command) or shutil.which(
            self.command, path="/usr/sbin:/usr/lib:/sbin"
        )
        if self.path is None:
            raise SendError(
                f"no {self.command} command on this machine: install msmtp-mta "
                "or a mail server, or send over SMTP (docs/sending.md)"
            )

    def send(self, sender: str, recipient: str, data: bytes) -> None:
        assert self.path is not None
        # sendmail reads lines: hand it LF line ends, as on a Unix mailbox.
        try:
            done = subprocess.run(
                [self.path, "-i", "-f", sender, "--", recipient],
                input=data.replace(b"\r\n", b"\n"),
                capture_output=True,
                timeout=300,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise Temporary(f"{self.command}: {error}") from None
        if done.returncode == 0:
            return
        reply = (
            f"{self.command} exit {done.returncode}: "
            + " ".join(done.stderr.decode("utf-8", "replace").split())[:300]
        )
        raise Temporary(reply) if done.returncode == EX_TEMPFAIL else Permanent(reply)

    def close(self) -> None:
        pass
