"""
The SQS queue `emails`: web queues e-mails (webapp.core.emails.enqueue_email, the contact view), the
mailer worker consumes them (`manage.py consume_queue emails`). With a fake SQS client: no AWS, no
boto3 needed.
"""
import json
import os
import signal
import subprocess
import sys
import types
import unittest
from pathlib import Path
from smtplib import SMTPException
from unittest import mock

from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.locmem import EmailBackend as LocmemEmailBackend
from django.core.management import CommandError, call_command
from django.test import Client
from django.test.utils import override_settings

from tests.fake_sqs import URL, FakeSQS, message
from webapp import aws_clients
from webapp.core import emails, queues
from webapp.core.emails import enqueue_email
from webapp.core.management.commands import consume_queue

APP_DIR = Path(__file__).resolve().parent.parent
HTTPS = {"HTTP_HOST": "example.com", "HTTP_X_FORWARDED_PROTO": "https"}


def email(to="someone@example.org", subject="Hello", body="Welcome."):
    return {"to": to, "subject": subject, "body": body}


class FailingEmailBackend(LocmemEmailBackend):
    """Refuses mail to fail@example.org, as an SMTP server or SES may refuse a message."""

    def send_messages(self, messages):
        if any("fail@example.org" in m.to for m in messages):
            raise SMTPException("554 refused")
        return super().send_messages(messages)


class ProducerTests(unittest.TestCase):
    def test_enqueue_email_sends_json_to_the_url_from_the_environment(self):
        client = FakeSQS()
        with mock.patch.dict(os.environ, {"QUEUE_URL_EMAILS": URL}), self.assertLogs("webapp.queues", "INFO") as logs:
            message_id = enqueue_email("someone@example.org", "Hello", "Welcome.", client=client)
        self.assertEqual(message_id, "sent-1")
        self.assertEqual(logs.output, ["INFO:webapp.queues:emails message sent-1: queued"])
        (sent,) = client.calls_of("send_message")
        self.assertEqual(set(sent), {"QueueUrl", "MessageBody"})
        self.assertEqual(sent["QueueUrl"], URL)
        self.assertEqual(json.loads(sent["MessageBody"]), email())

    def test_a_missing_queue_url_is_named(self):
        with mock.patch.dict(os.environ):
            os.environ.pop("QUEUE_URL_EMAILS", None)
            with self.assertRaisesRegex(ImproperlyConfigured, "QUEUE_URL_EMAILS"):
                enqueue_email("someone@example.org", "Hello", "Welcome.", client=FakeSQS())

    def test_variable_names_are_the_stacks(self):
        # src/modules/queue.ts queueVariables: upper case, anything but A-Z0-9 becomes "_".
        self.assertEqual(queues.queue_url_variable("emails"), "QUEUE_URL_EMAILS")
        self.assertEqual(queues.queue_url_variable("bulk-mail.v2"), "QUEUE_URL_BULK_MAIL_V2")

    def test_the_real_client_is_boto3_sqs_in_the_contract_region_created_once_per_process(self):
        boto3 = types.SimpleNamespace(client=mock.Mock(return_value=object()))
        with mock.patch.dict(sys.modules, {"boto3": boto3}), mock.patch.dict(aws_clients._clients, clear=True):
            first, second = queues.sqs_client(), queues.sqs_client()
        self.assertIs(first, second)
        boto3.client.assert_called_once_with("sqs", region_name="eu-west-1")

    def test_importing_the_queue_code_needs_no_boto3(self):
        code = "import sys; sys.modules['boto3'] = None; import tests; import webapp.core.management.commands.consume_queue, webapp.urls"
        result = subprocess.run([sys.executable, "-c", code], cwd=APP_DIR, capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)


class ContactViewTests(unittest.TestCase):
    def setUp(self):
        self.sqs = FakeSQS()
        patches = [mock.patch.dict(os.environ, {"QUEUE_URL_EMAILS": URL}), mock.patch.object(queues, "sqs_client", return_value=self.sqs)]
        for patch in patches:
            patch.start()
            self.addCleanup(patch.stop)

    def test_a_valid_form_queues_one_email_to_the_contact_address(self):
        with self.assertLogs("webapp.queues", "INFO"):
            response = Client().post("/contact/", {"email": "visitor@example.org", "message": "Hi there"}, **HTTPS)
        self.assertEqual(response.status_code, 202)
        (sent,) = self.sqs.calls_of("send_message")
        self.assertEqual(sent["QueueUrl"], URL)
        payload = json.loads(sent["MessageBody"])
        self.assertEqual(payload["to"], "contact@example.com")
        self.assertEqual(payload["subject"], "Contact form: visitor@example.org")
        self.assertIn("Hi there", payload["body"])

    def test_invalid_input_is_answered_400_and_queues_nothing(self):
        for data in ({"email": "not-an-address", "message": "Hi"}, {"email": "visitor@example.org", "message": " "}, {"email": "visitor@example.org", "message": "x" * 5001}):
            with self.assertLogs("django.request", "WARNING"):
                response = Client().post("/contact/", data, **HTTPS)
            self.assertEqual(response.status_code, 400, data)
        self.assertEqual(self.sqs.calls, [])

    def test_only_post_with_the_csrf_token(self):
        with self.assertLogs("django", "WARNING"):
            self.assertEqual(Client().get("/contact/", **HTTPS).status_code, 405)
            response = Client(enforce_csrf_checks=True).post("/contact/", {"email": "visitor@example.org", "message": "Hi"}, HTTP_REFERER="https://example.com/", **HTTPS)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.sqs.calls, [])


class ConsumerTests(unittest.TestCase):
    def setUp(self):
        mail.outbox = []
        for patch in (override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), mock.patch.dict(os.environ, {"QUEUE_URL_EMAILS": URL})):
            patch.enable() if hasattr(patch, "enable") else patch.start()
            self.addCleanup(patch.disable if hasattr(patch, "disable") else patch.stop)

    def consume(self, client):
        """`manage.py consume_queue emails`; returns its log lines. Unless a batch says otherwise, the
        fake sends SIGTERM once the queue is empty."""
        sigterm_before = signal.getsignal(signal.SIGTERM)
        with self.assertLogs("webapp.queues", "INFO") as logs:
            call_command("consume_queue", "emails", client=client)
        self.assertIs(signal.getsignal(signal.SIGTERM), sigterm_before, "the SIGTERM handler is restored")
        return logs.output

    def test_long_polls_the_queue_from_the_environment(self):
        client = FakeSQS()
        self.consume(client)
        (receive,) = client.calls_of("receive_message")
        self.assertEqual(receive["QueueUrl"], URL)
        self.assertEqual(receive["WaitTimeSeconds"], 20)
        self.assertEqual(receive["MaxNumberOfMessages"], 10)

    def test_a_handled_message_is_sent_then_deleted_with_one_log_line_each(self):
        client = FakeSQS([[message(email(), 1), message(email(to="other@example.org", subject="Second"), 2)]])
        logs = self.consume(client)
        self.assertEqual([(m.to, m.subject, m.body, m.from_email) for m in mail.outbox], [
            (["someone@example.org"], "Hello", "Welcome.", "no-reply@example.com"),
            (["other@example.org"], "Second", "Welcome.", "no-reply@example.com"),
        ])
        self.assertEqual(client.deleted, ["handle-1", "handle-2"])
        for delete in client.calls_of("delete_message"):
            self.assertEqual(delete["QueueUrl"], URL)
        self.assertEqual(len([line for line in logs if "emails message m-" in line]), 2)
        self.assertTrue(any("emails message m-1: handled" in line and "deleted" in line for line in logs), logs)

    @override_settings(EMAIL_BACKEND="tests.test_queues.FailingEmailBackend")
    def test_a_failing_send_leaves_the_message_in_the_queue(self):
        client = FakeSQS([[message(email(to="fail@example.org"), 1), message(email(), 2)]])
        logs = self.consume(client)
        self.assertEqual(client.deleted, ["handle-2"])  # not handle-1: SQS redelivers it, then dead-letters it
        self.assertEqual(client.released, [])
        self.assertTrue(any("emails message m-1: failed (receive 1), left in the queue: SMTPException" in line for line in logs), logs)
        self.assertEqual([m.to for m in mail.outbox], [["someone@example.org"]])

    def test_a_malformed_message_is_left_for_the_dead_letter_queue(self):
        client = FakeSQS([[message("not json", 1), message({"to": "someone@example.org"}, 2), message(email(to="no address"), 3)]])
        logs = self.consume(client)
        self.assertEqual(client.deleted, [])
        self.assertEqual(mail.outbox, [])
        self.assertEqual(len([line for line in logs if "left in the queue" in line]), 3)

    def test_sigterm_finishes_the_current_message_returns_the_rest_of_the_batch_and_stops(self):
        handled = []

        def deliver_then_get_stopped(payload):
            emails.deliver(payload)
            handled.append(payload["subject"])
            if len(handled) == 1:
                os.kill(os.getpid(), signal.SIGTERM)  # ECS stops the task during the first message

        client = FakeSQS([[message(email(subject="First"), 1), message(email(subject="Second"), 2), message(email(subject="Third"), 3)], [message(email(), 4)]])
        with mock.patch.dict(consume_queue.HANDLERS, {"emails": deliver_then_get_stopped}):
            logs = self.consume(client)
        self.assertEqual(handled, ["First"])
        self.assertEqual(client.deleted, ["handle-1"])  # the message in hand was finished
        self.assertEqual(client.released, [("handle-2", 0), ("handle-3", 0)])  # the others back at once
        self.assertEqual(len(client.calls_of("receive_message")), 1)  # no receive after the signal
        self.assertTrue(any("SIGTERM received: stopping after the current message" in line for line in logs), logs)

    def test_an_unknown_queue_or_a_missing_url_stops_at_once(self):
        with self.assertRaisesRegex(CommandError, "No handler for queue 'sms'"):
            call_command("consume_queue", "sms", client=FakeSQS())
        os.environ.pop("QUEUE_URL_EMAILS")
        with self.assertRaisesRegex(ImproperlyConfigured, "QUEUE_URL_EMAILS"):
            call_command("consume_queue", "emails", client=FakeSQS())

    def test_as_an_ecs_task_sigterm_during_the_long_poll_exits_0(self):
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        process = subprocess.Popen([sys.executable, "-m", "tests.fake_sqs"], cwd=APP_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            output = []
            for line in process.stdout:  # until the first message is handled (the fake then long-polls)
                output.append(line)
                if "emails message m-1: handled" in line:
                    break
            process.send_signal(signal.SIGTERM)
            rest, _ = process.communicate(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        output = "".join(output) + rest
        self.assertEqual(process.returncode, 0, output)
        self.assertIn("Subject: Queued hello", output)  # sent (console backend: to the log)
        self.assertIn("SIGTERM received", output)
        self.assertIn("emails: stopped", output)
        self.assertIn("fake-sqs: deleted=['handle-1']", output)
