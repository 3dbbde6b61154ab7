"""
A stand-in for boto3's SQS client: records every call, returns scripted batches of messages. Tests
never reach AWS (and need no boto3).

`python -m tests.fake_sqs` runs `consume_queue emails` on a fake queue holding one e-mail and
waits for a SIGTERM, as an ECS task would (tests.test_queues sends it).
"""
import itertools
import json
import os
import signal
import sys
import time

URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/webapp-test-emails"


def message(body, number):
    """A message as ReceiveMessage returns it; `body` is JSON-encoded unless already a string."""
    return {
        "MessageId": f"m-{number}",
        "ReceiptHandle": f"handle-{number}",
        "Body": body if isinstance(body, str) else json.dumps(body),
        "Attributes": {"ApproximateReceiveCount": "1"},
    }


def sigterm_self():
    """What ECS does to stop a task: SIGTERM to the process."""
    os.kill(os.getpid(), signal.SIGTERM)


class FakeSQS:
    def __init__(self, batches=(), on_empty=sigterm_self):
        self.batches = [list(batch) for batch in batches]
        self.on_empty = on_empty  # called by a receive with no batch left (during the long poll)
        self.calls = []
        self._ids = itertools.count(1)

    def _record(self, method, kwargs):
        for name, value in kwargs.items():
            if name in ("QueueUrl", "MessageBody", "ReceiptHandle") and not isinstance(value, str):
                raise TypeError(f"{method}: {name} must be a string, not {type(value).__name__}")
        self.calls.append((method, kwargs))

    def calls_of(self, method):
        return [kwargs for name, kwargs in self.calls if name == method]

    @property
    def deleted(self):
        return [kwargs["ReceiptHandle"] for kwargs in self.calls_of("delete_message")]

    @property
    def released(self):
        return [(kwargs["ReceiptHandle"], kwargs["VisibilityTimeout"]) for kwargs in self.calls_of("change_message_visibility")]

    def send_message(self, **kwargs):
        self._record("send_message", kwargs)
        return {"MessageId": f"sent-{next(self._ids)}"}

    def receive_message(self, **kwargs):
        self._record("receive_message", kwargs)
        if self.batches:
            return {"Messages": self.batches.pop(0)}
        self.on_empty()
        return {}

    def delete_message(self, **kwargs):
        self._record("delete_message", kwargs)
        return {}

    def change_message_visibility(self, **kwargs):
        self._record("change_message_visibility", kwargs)
        return {}


def main():
    from django.core.management import call_command

    polls = itertools.count(1)

    def long_poll():
        time.sleep(0.1)
        if next(polls) > 300:
            raise RuntimeError("no SIGTERM came within 30 s")

    os.environ["QUEUE_URL_EMAILS"] = URL
    client = FakeSQS([[message({"to": "someone@example.org", "subject": "Queued hello", "body": "Sent by the mailer."}, 1)]], long_poll)
    call_command("consume_queue", "emails", client=client)
    print(f"fake-sqs: deleted={client.deleted}", flush=True)


if __name__ == "__main__":
    import tests  # noqa: F401  (the contract environment, django.setup())

    main()
    sys.exit(0)
