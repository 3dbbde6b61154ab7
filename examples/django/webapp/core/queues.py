"""
SQS queues of the platform (README "Workloads", "Queues"): the stack creates each queue of
`compute.queues`, gives a process that sends to or consumes queue `<name>` its URL as
`QUEUE_URL_<NAME>` (e.g. QUEUE_URL_EMAILS) and its task role exactly the SQS actions it needs:
producers sqs:SendMessage; consumers ReceiveMessage, DeleteMessage, ChangeMessageVisibility.

    send("emails", {"to": ..., "subject": ..., "body": ...})       # a producer (web)
    python manage.py consume_queue emails                          # the consumer (the mailer worker)

Credentials come from the task role (boto3's default chain): nothing to configure.
"""
import json
import logging
import os
import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from webapp import aws_clients

logger = logging.getLogger("webapp.queues")


def sqs_client():
    """The process's SQS client in the contract's region."""
    return aws_clients.client("sqs", settings.AWS_REGION)


def queue_url_variable(name):
    """QUEUE_URL_<NAME>, named as the stack names it (src/modules/queue.ts, queueVariables)."""
    return "QUEUE_URL_" + re.sub(r"[^A-Z0-9]", "_", name.upper())


def queue_url(name):
    variable = queue_url_variable(name)
    url = os.environ.get(variable, "")
    if not url:
        raise ImproperlyConfigured(
            f"The environment variable {variable} is required: the stack sets it only in processes that "
            f"send to queue {name!r} (sendsTo) or consume it (a worker's queues)."
        )
    return url


def send(name, payload, *, client=None):
    """Sends `payload` as a JSON message to queue `name`; returns the SQS message id."""
    response = (client or sqs_client()).send_message(QueueUrl=queue_url(name), MessageBody=json.dumps(payload))
    message_id = response.get("MessageId", "?")
    logger.info("%s message %s: queued", name, message_id)
    return message_id
