"""
A Django e-mail backend on Amazon SES (API v2), used when the stack's email section is on
(settings.EMAIL_BACKEND, from the app contract's EMAIL_CONFIGURATION_SET):

- each message goes out with SendEmail as raw MIME (everything Django builds: HTML alternatives,
  attachments, headers) from its From address, through the environment's configuration set
  (EMAIL_CONFIGURATION_SET: TLS required, bounces and complaints published to the feedback queue);
- recipients the app has suppressed (webapp.core.email_feedback: permanent bounces, complaints)
  are left out; a message left with no recipient is not sent;
- the task role may send only from the configured addresses (EMAIL_FROM is the default one) and
  only through that identity and configuration set: anything else is refused by SES (AccessDenied).

Errors raise unless fail_silently (a queued e-mail then stays in its queue and is retried).
"""
import logging
from email.utils import parseaddr

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import sanitize_address

from webapp import aws_clients

logger = logging.getLogger("webapp.email")


def address_of(recipient):
    """The bare address of a recipient (`"Bob <Bob@Example.org>"` -> `bob@example.org`), as suppressed."""
    return parseaddr(recipient)[1].lower()


def suppressed(addresses):
    """The bare addresses among `addresses` (lower-cased) the app no longer mails."""
    from webapp.core.models import SuppressedAddress

    wanted = {a.lower() for a in addresses}
    if not wanted:
        return set()
    return {e.lower() for e in SuppressedAddress.objects.filter(email__in=wanted).values_list("email", flat=True)}


class SesEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently=False, client=None, **kwargs):
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.client = client

    def _client(self):
        return self.client or aws_clients.client("sesv2", settings.EMAIL_REGION)

    def send_messages(self, email_messages):
        sent = 0
        for message in email_messages:
            try:
                if self._send(message):
                    sent += 1
            except Exception:
                if not self.fail_silently:
                    raise
                logger.exception("e-mail %r not sent", message.subject)
        return sent

    def _send(self, message):
        recipients = message.recipients()
        blocked = suppressed([address_of(r) for r in recipients])
        # SES takes each destination as an RFC 5322 address: a display name encoded as Django does.
        allowed = [sanitize_address(r, message.encoding or settings.DEFAULT_CHARSET) for r in recipients if address_of(r) not in blocked]
        if blocked:
            logger.info("e-mail %r: not sent to %d suppressed address(es)", message.subject, len(recipients) - len(allowed))
        if not allowed:
            return False
        response = self._client().send_email(
            FromEmailAddress=message.from_email or settings.DEFAULT_FROM_EMAIL,
            Destination={"ToAddresses": allowed},
            Content={"Raw": {"Data": message.message().as_bytes(linesep="\r\n")}},
            ConfigurationSetName=settings.EMAIL_CONFIGURATION_SET,
        )
        logger.info("e-mail %r: sent to %d recipient(s), SES message %s", message.subject, len(allowed), response.get("MessageId", "?"))
        return True
