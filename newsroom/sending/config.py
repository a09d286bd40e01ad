"""``[send]`` in newsroom.toml, and the SMTP password (never from the library).

The password comes from ``NEWSROOM_SMTP_PASSWORD`` or from the user's own
config file, ``$XDG_CONFIG_HOME/newsroom/secrets.toml`` (``~/.config/…``),
which is refused when its group or others may read it, as ssh refuses a
private key. A ``password`` key in newsroom.toml is refused outright: the
library is shared (over git), a password in it is a password published.
"""

from __future__ import annotations

import ipaddress
import os
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..bundle import BundleError, Library

SECURITY = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
PASSWORD_VARIABLE = "NEWSROOM_SMTP_PASSWORD"


class SendError(Exception):
    """Sending cannot start or cannot go on: a message for the user, nothing recorded as sent."""


@dataclass
class SendSettings:
    host: str = ""
    port: int = 0
    security: str = "starttls"
    username: str = ""
    from_address: str = ""
    reply_to: str = ""
    per_minute: int = 0  # 0: no limit
    timeout: float = 30.0
    retries: int = 3  # further attempts after a temporary failure
    retry_delay: float = 2.0  # seconds before the first retry; doubled each time
    cafile: str = ""  # a CA bundle for a relay with its own certificate
    unsubscribe: str = ""  # address (or URL) for the foot line; default reply_to/from
    source: Path | None = None


def _fail(file: Path, key: str, message: str) -> BundleError:
    return BundleError(file, message, key=f"send.{key}")


def send_settings(library: Library) -> SendSettings:
    """The ``[send]`` table, checked; From and Reply-To fall back to ``[export]``."""
    file = library.root / "newsroom.toml"
    table: Any = library.settings.extra.get("send", {})
    if not isinstance(table, dict):
        raise BundleError(file, "expected a table", key="send")
    if "password" in table:
        raise _fail(
            file,
            "password",
            "a password in the library is refused (it is shared); "
            f"set {PASSWORD_VARIABLE} or put it in {secrets_path()}",
        )
    found = SendSettings(source=file)
    kinds: dict[str, type | tuple[type, ...]] = {
        "host": str,
        "port": int,
        "security": str,
        "username": str,
        "from": str,
        "reply_to": str,
        "per_minute": int,
        "timeout": (int, float),
        "retries": int,
        "retry_delay": (int, float),
        "cafile": str,
        "unsubscribe": str,
    }
    for key, kind in kinds.items():
        if key not in table:
            continue
        value = table[key]
        if not isinstance(value, kind) or isinstance(value, bool):
            raise _fail(file, key, f"expected {'a number' if kind is not str else 'text'}")
        setattr(found, "from_address" if key == "from" else key, value)
    if found.security not in SECURITY:
        raise _fail(file, "security", f"{found.security!r}: choose starttls, ssl or none")
    found.port = found.port or DEFAULT_PORTS[found.security]
    if not 0 < found.port < 65536:
        raise _fail(file, "port", f"{found.port} is not a port number")
    if found.per_minute < 0 or found.retries < 0 or found.retry_delay < 0:
        raise _fail(file, "per_minute", "per_minute, retries and retry_delay cannot be negative")
    found.from_address = found.from_address or library.settings.from_address
    found.reply_to = found.reply_to or library.settings.reply_to
    return found


def check_for_smtp(settings: SendSettings) -> None:
    """Refuse settings that cannot send over SMTP, or would send in the clear off this machine."""
    file = settings.source or Path("newsroom.toml")
    if not settings.host:
        raise _fail(file, "host", "not set: name the mail server (or use --via sendmail)")
    if settings.security == "none" and not is_local(settings.host):
        raise _fail(
            file,
            "security",
            f'"none" sends the password and the release in the clear; '
            f"it is only allowed to a relay on this machine, not to {settings.host}",
        )


def is_local(host: str) -> bool:
    if host.lower() in {"localhost", "localhost.localdomain"}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def secrets_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(Path.home(), ".config")
    return Path(base) / "newsroom" / "secrets.toml"


def password(settings: SendSettings) -> str:
    """The SMTP password: the environment first, then the user's own secrets file."""
    value = os.environ.get(PASSWORD_VARIABLE)
    if value:
        return value
    path = secrets_path()
    try:
        info = path.stat()
    except FileNotFoundError:
        return ""
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SendError(
            f"{path}: readable by others (mode {stat.S_IMODE(info.st_mode):o}); "
            f"refused. Run: chmod 600 {path}"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SendError(f"{path}: not valid TOML: {error}") from None
    # [smtp."mail.example.org"] password = "…" for one host; smtp_password for any.
    hosts = data.get("smtp", {})
    entry = hosts.get(settings.host, {}) if isinstance(hosts, dict) else {}
    value = entry.get("password") if isinstance(entry, dict) else None
    value = value or data.get("smtp_password", "")
    if not isinstance(value, str):
        raise SendError(f"{path}: the password must be text")
    return value
