"""
Consumes SQS queues of the platform (the `mailer` worker runs `python manage.py consume_queue emails
email-feedback`):

- long-polls QUEUE_URL_<NAME> of each queue in turn (up to 10 messages, waiting up to 20 s in all
  per round: 20 s for one queue, 10 s each for two);
- gives each message's JSON body to the queue's handler (HANDLERS) and deletes the message once
  handled; a message whose handler raises is left in the queue: SQS delivers it again after the
  queue's visibility timeout and, after `maxReceiveCount` receives, moves it to the dead-letter
  queue. Delivery is at least once: a handler must tolerate a repeat;
- logs one line per message;
- on SIGTERM (ECS stopping the task: scale-in, deploy, Spot interruption) or SIGINT, finishes the
  message it is handling, hands the rest of the batch back to the queue (visibility 0: another task
  takes them at once) and exits 0. ECS sends SIGKILL after the stop timeout (30 s by default): a
  long poll lasts 20 s at most, leaving time for the message in hand.

An error of SQS itself (after boto3's retries) ends the command with an error: ECS replaces the task.
"""
import json
import logging
import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from webapp.core import email_feedback, emails
from webapp.core import queues as queues_module

logger = logging.getLogger("webapp.queues")

# Queue name -> handler(payload). A handler raises when the message could not be handled.
HANDLERS = {
    emails.QUEUE: emails.deliver,
    email_feedback.QUEUE: email_feedback.handle,
}
WAIT_TIME_SECONDS = 20  # the longest long poll SQS allows (the queues' own default too)
MAX_MESSAGES = 10  # the most one receive returns
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Command(BaseCommand):
    help = "Consumes SQS queues (QUEUE_URL_<NAME>): handles each message, deletes it once handled; stops on SIGTERM."
    # call_command("consume_queue", "emails", client=...) uses that SQS client (tests).
    stealth_options = ("client",)

    def add_arguments(self, parser):
        parser.add_argument("queues", nargs="+", metavar="queue", help=f"the queues' names in the config: {', '.join(sorted(HANDLERS))}")

    def handle(self, *args, queues: list, **options):
        consumed = []
        for queue in dict.fromkeys(queues):
            handler = HANDLERS.get(queue)
            if handler is None:
                raise CommandError(f"No handler for queue {queue!r} (known: {', '.join(sorted(HANDLERS))}).")
            consumed.append((queue, queues_module.queue_url(queue), handler))
        client = options.get("client") or queues_module.sqs_client()
        # One long poll per queue per round, 20 s in all: a stop signal is never more than 20 s away.
        wait = max(1, WAIT_TIME_SECONDS // len(consumed))

        self.stopping = False
        previous = {number: signal.signal(number, self._stop) for number in STOP_SIGNALS}
        for queue, url, _ in consumed:
            logger.info("%s: consuming %s", queue, url)
        try:
            while not self.stopping:
                for queue, url, handler in consumed:
                    if self.stopping:
                        break
                    response = client.receive_message(
                        QueueUrl=url,
                        MaxNumberOfMessages=MAX_MESSAGES,
                        WaitTimeSeconds=wait,
                        AttributeNames=["ApproximateReceiveCount"],
                    )
                    messages = response.get("Messages", [])
                    for index, message in enumerate(messages):
                        if self.stopping:
                            self._release(client, url, queue, messages[index:])
                            break
                        self._handle_message(client, url, queue, handler, message)
        finally:
            for number, handler_before in previous.items():
                signal.signal(number, handler_before)
        for queue, _, _ in consumed:
            logger.info("%s: stopped", queue)

    def _stop(self, number, frame):
        if not self.stopping:
            logger.info("%s received: stopping after the current message", signal.Signals(number).name)
        self.stopping = True

    def _handle_message(self, client, url, queue, handler, message):
        message_id = message.get("MessageId", "?")
        receives = message.get("Attributes", {}).get("ApproximateReceiveCount", "?")
        started = time.monotonic()
        close_old_connections()  # as Django does around a request: drop a connection gone stale
        try:
            handler(json.loads(message["Body"]))
        except Exception as error:
            logger.error(
                "%s message %s: failed (receive %s), left in the queue: %s: %s",
                queue, message_id, receives, type(error).__name__, error,
            )
            return
        finally:
            close_old_connections()
        client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        logger.info("%s message %s: handled in %.2f s (receive %s), deleted", queue, message_id, time.monotonic() - started, receives)

    def _release(self, client, url, queue, messages):
        """Messages received but not handled go back to the queue now, not after the visibility timeout."""
        for message in messages:
            try:
                client.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
            except Exception as error:  # it comes back after the visibility timeout anyway
                logger.warning("%s message %s: not released (%s): back after the visibility timeout", queue, message.get("MessageId", "?"), error)
            else:
                logger.info("%s message %s: released unhandled (stopping)", queue, message.get("MessageId", "?"))
