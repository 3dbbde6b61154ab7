"""
E-mails, sent by the `mailer` worker from the SQS queue `emails`:

    enqueue_email(to, subject, body)            # web: one JSON message {to, subject, body}
    python manage.py consume_queue emails email-feedback   # mailer: deliver() for each message

The web request only queues the message (one SQS call); the worker sends it with Django's mail API
(settings.EMAIL_BACKEND: Amazon SES with the stack's email section, webapp.core.ses). A message whose delivery fails stays in the queue: SQS delivers it again
after the queue's visibility timeout and, after `maxReceiveCount` receives, moves it to the
dead-letter queue (alarm `queue-dead-letters`).
"""
from django.core.mail import send_mail
from django.core.validators import validate_email

from webapp.core import queues

QUEUE = "emails"


def enqueue_email(to, subject, body, *, client=None):
    """Queues one e-mail for the mailer; returns the SQS message id."""
    return queues.send(QUEUE, {"to": to, "subject": subject, "body": body}, client=client)


def deliver(payload):
    """Handler of the `emails` queue: sends the e-mail a message describes (raises if it cannot)."""
    if not isinstance(payload, dict):
        raise ValueError("an e-mail message is a JSON object {to, subject, body}")
    fields = {}
    for field in ("to", "subject", "body"):
        value = payload.get(field)
        if not isinstance(value, str):
            raise ValueError(f"the e-mail message has no string {field!r}")
        fields[field] = value
    validate_email(fields["to"])
    # From: settings.DEFAULT_FROM_EMAIL. fail_silently=False: a failure leaves the message queued.
    send_mail(fields["subject"], fields["body"], None, [fields["to"]], fail_silently=False)
