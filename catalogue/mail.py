"""Sending e-mail through a real SMTP server with the standard library's ``smtplib``.

Pure: no Flask, no database. ``MailSettings.from_config`` reads the ``SMTP_*`` keys of any
mapping (app.py declares them); with no ``SMTP_HOST`` there are no settings, and the site says
plainly that it sends no e-mail.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any


@dataclass(frozen=True)
class MailSettings:
    """Where and how to hand messages to an SMTP server."""

    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    use_ssl: bool = False
    timeout: float = 10.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MailSettings | None:
        """The settings in ``config``, or None when no SMTP host is configured."""
        host = config.get("SMTP_HOST")
        if not host:
            return None
        use_ssl = bool(config.get("SMTP_SSL"))
        port = config.get("SMTP_PORT") or (465 if use_ssl else 25)
        return cls(
            host=str(host),
            port=int(port),
            sender=str(config.get("SMTP_SENDER") or "componentenwijzer@localhost"),
            username=config.get("SMTP_USERNAME") or None,
            password=config.get("SMTP_PASSWORD") or None,
            starttls=bool(config.get("SMTP_STARTTLS")),
            use_ssl=use_ssl,
            timeout=float(config.get("SMTP_TIMEOUT") or 10.0),
        )


def compose(settings: MailSettings, to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text message from the configured sender."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2].strip("> "))
    # Automatic mail: out-of-office replies should not answer it (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    return message


def send(settings: MailSettings, messages: Iterable[EmailMessage]) -> int:
    """Send ``messages`` over one SMTP connection; returns how many were sent."""
    batch = list(messages)
    if not batch:
        return 0
    smtp: smtplib.SMTP
    if settings.use_ssl:
        smtp = smtplib.SMTP_SSL(
            settings.host,
            settings.port,
            timeout=settings.timeout,
            context=ssl.create_default_context(),
        )
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with smtp:
        if settings.starttls and not settings.use_ssl:
            smtp.starttls(context=ssl.create_default_context())
        if settings.username and settings.password:
            smtp.login(settings.username, settings.password)
        for message in batch:
            smtp.send_message(message)
    return len(batch)
