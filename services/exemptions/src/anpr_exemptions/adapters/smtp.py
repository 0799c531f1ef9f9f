"""Hands a mail to an SMTP relay (stdlib smtplib in a worker thread: a few mails a minute at most)."""

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from anpr_exemptions.domain.mail import Mail


class SmtpSender:
    def __init__(
        self, host: str, port: int, sender: str, tls: str, username: str = "", password: str = "", timeout: float = 10
    ) -> None:
        self._host, self._port, self._sender, self._tls = host, port, sender, tls
        self._username, self._password, self._timeout = username, password, timeout

    async def send(self, mail: Mail) -> None:
        """Raises OSError / smtplib.SMTPException when the relay does not take it."""
        await asyncio.to_thread(self._send, _message(self._sender, mail))

    def _send(self, message: EmailMessage) -> None:
        context = ssl.create_default_context()
        if self._tls == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(self._host, self._port, timeout=self._timeout, context=context)
        else:
            client = smtplib.SMTP(self._host, self._port, timeout=self._timeout)
        with client:
            if self._tls == "starttls":
                client.starttls(context=context)
            if self._username:
                client.login(self._username, self._password)
            client.send_message(message)


def _message(sender: str, mail: Mail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    # Relays and spam filters expect both; the id's domain is the sender's, never this host's name.
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message
