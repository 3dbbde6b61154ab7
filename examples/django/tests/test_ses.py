"""
E-mail through Amazon SES (the stack's email section): the backend (webapp.core.ses), the feedback
consumer (webapp.core.email_feedback) and the settings that choose them. With fakes: no AWS, no
boto3, no database (the suppression list's queries are patched; its table is created by the
migrations, which tests.test_migrate_locked applies on PostgreSQL).
"""
import os
from email.header import decode_header, make_header
import signal
import unittest
import warnings
from io import StringIO
from unittest import mock

from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.core.management import call_command
from django.test.utils import override_settings

from tests.fake_sqs import FakeSQS, message
from tests.test_settings import load_settings
from webapp import aws_clients
from webapp.core import email_feedback
from webapp.core.management.commands import consume_queue
from webapp.core.ses import SesEmailBackend

SES = {"EMAIL_BACKEND": "webapp.core.ses.SesEmailBackend", "EMAIL_CONFIGURATION_SET": "webapp-test-email", "EMAIL_REGION": "eu-west-1", "DEFAULT_FROM_EMAIL": "no-reply@example.com"}


class FakeSES:
    """boto3's sesv2 client, as far as the backend uses it."""

    def __init__(self, error=None):
        self.sent = []
        self.error = error

    def send_email(self, **kwargs):
        if self.error:
            raise self.error
        self.sent.append(kwargs)
        return {"MessageId": f"ses-{len(self.sent)}"}


def bounce(kind="Permanent", *addresses):
    return {"eventType": "Bounce", "mail": {"destination": list(addresses)}, "bounce": {"bounceType": kind, "bounceSubType": "General", "bouncedRecipients": [{"emailAddress": a} for a in addresses]}}


class BackendTests(unittest.TestCase):
    def setUp(self):
        settings = override_settings(**SES)
        settings.enable()
        self.addCleanup(settings.disable)
        self.ses = FakeSES()
        patch = mock.patch.object(aws_clients, "client", lambda service, region: self.ses if (service, region) == ("sesv2", "eu-west-1") else None)
        patch.start()
        self.addCleanup(patch.stop)
        self.suppressed = set()
        patch = mock.patch("webapp.core.ses.suppressed", lambda addresses: {a.lower() for a in addresses} & self.suppressed)
        patch.start()
        self.addCleanup(patch.stop)

    def test_sends_raw_mime_from_the_default_sender_through_the_configuration_set(self):
        self.assertEqual(send_mail("Hello", "Welcome.", None, ["someone@example.org"]), 1)
        (call,) = self.ses.sent
        self.assertEqual(call["FromEmailAddress"], "no-reply@example.com")
        self.assertEqual(call["ConfigurationSetName"], "webapp-test-email")
        self.assertEqual(call["Destination"], {"ToAddresses": ["someone@example.org"]})
        raw = call["Content"]["Raw"]["Data"].decode()
        self.assertIn("Subject: Hello", raw)
        self.assertIn("To: someone@example.org", raw)
        self.assertIn("Welcome.", raw)

    def test_html_alternatives_and_every_recipient_kind_go_in_one_message(self):
        message = EmailMultiAlternatives("Receipt", "Text", "billing@example.com", ["a@example.org"], cc=["b@example.org"], bcc=["c@example.org"])
        message.attach_alternative("<p>HTML</p>", "text/html")
        message.send()
        (call,) = self.ses.sent
        self.assertEqual(call["FromEmailAddress"], "billing@example.com")
        self.assertEqual(call["Destination"]["ToAddresses"], ["a@example.org", "b@example.org", "c@example.org"])
        raw = call["Content"]["Raw"]["Data"].decode()
        self.assertIn("text/html", raw)
        self.assertNotIn("c@example.org", raw.split("\r\n\r\n")[0])  # Bcc is not a header

    def test_suppressed_recipients_are_left_out_and_a_message_for_nobody_is_not_sent(self):
        self.suppressed = {"gone@example.org"}
        self.assertEqual(send_mail("Hi", "Body", None, ["Gone@example.org", "here@example.org"]), 1)
        self.assertEqual(self.ses.sent[0]["Destination"], {"ToAddresses": ["here@example.org"]})
        self.assertEqual(send_mail("Hi", "Body", None, ["gone@example.org"]), 0)
        self.assertEqual(len(self.ses.sent), 1)

    def test_a_suppressed_address_is_recognised_behind_a_display_name_and_names_are_encoded(self):
        self.suppressed = {"bob@example.org"}
        self.assertEqual(send_mail("Hi", "Body", None, ["Bob <Bob@Example.org>", "Zoë Müller <zoe@example.org>"]), 1)
        (call,) = self.ses.sent
        (destination,) = call["Destination"]["ToAddresses"]
        self.assertTrue(destination.isascii() and destination.endswith(" <zoe@example.org>"), destination)
        self.assertEqual(str(make_header(decode_header(destination.rsplit(" <", 1)[0]))), "Zoë Müller")

    def test_an_ses_error_raises_unless_fail_silently(self):
        self.ses.error = RuntimeError("AccessDenied: not authorized to send from intruder@example.com")
        with self.assertRaisesRegex(RuntimeError, "AccessDenied"):
            send_mail("Hi", "Body", None, ["someone@example.org"])
        with self.assertLogs("webapp.email", "ERROR"):
            self.assertEqual(send_mail("Hi", "Body", None, ["someone@example.org"], fail_silently=True), 0)

    def test_a_client_can_be_given(self):
        other = FakeSES()
        self.assertEqual(SesEmailBackend(client=other).send_messages([mail.EmailMessage("S", "B", None, ["x@example.org"])]), 1)
        self.assertEqual(len(other.sent), 1)
        self.assertEqual(self.ses.sent, [])


class FeedbackTests(unittest.TestCase):
    def test_permanent_bounces_and_complaints_name_the_addresses_to_suppress(self):
        self.assertEqual(email_feedback.suppressions(bounce("Permanent", "a@example.org", "b@example.org")), [("a@example.org", "bounce", "Permanent/General"), ("b@example.org", "bounce", "Permanent/General")])
        complaint = {"eventType": "Complaint", "complaint": {"complaintFeedbackType": "abuse", "complainedRecipients": [{"emailAddress": "c@example.org"}]}}
        self.assertEqual(email_feedback.suppressions(complaint), [("c@example.org", "complaint", "abuse")])
        # Identity notifications (notificationType) read the same.
        self.assertEqual(email_feedback.suppressions({**complaint, "notificationType": "Complaint", "eventType": None}), [("c@example.org", "complaint", "abuse")])

    def test_transient_bounces_and_rejects_suppress_nothing(self):
        self.assertEqual(email_feedback.suppressions(bounce("Transient", "full@example.org")), [])
        self.assertEqual(email_feedback.suppressions({"eventType": "Reject", "reject": {"reason": "Bad content"}}), [])

    def test_anything_else_raises_for_the_dead_letter_queue(self):
        for garbage in ("text", {"eventType": "Unknown"}, {}):
            with self.assertRaises(ValueError):
                email_feedback.suppressions(garbage)

    def test_handle_records_each_address_once_lower_cased(self):
        with mock.patch("webapp.core.models.SuppressedAddress.objects") as objects, self.assertLogs("webapp.email", "INFO"):
            email_feedback.handle(bounce("Permanent", "Gone <Gone@Example.org>"))
        objects.update_or_create.assert_called_once_with(email="gone@example.org", defaults={"reason": "bounce", "detail": "Permanent/General"})


class ConsumerOfBothQueuesTests(unittest.TestCase):
    URLS = {"QUEUE_URL_EMAILS": "https://sqs.eu-west-1.amazonaws.com/123456789012/webapp-test-emails", "QUEUE_URL_EMAIL_FEEDBACK": "https://sqs.eu-west-1.amazonaws.com/123456789012/webapp-test-email-feedback"}

    def test_the_mailer_polls_both_queues_in_turn_and_hands_each_message_to_its_queues_handler(self):
        handled = []
        client = FakeSQS([[message({"to": "x@example.org", "subject": "S", "body": "B"}, 1)], [message(bounce("Permanent", "gone@example.org"), 2)]])
        handlers = {"emails": lambda p: handled.append(("emails", p["subject"])), "email-feedback": lambda p: handled.append(("email-feedback", p["eventType"]))}
        sigterm_before = signal.getsignal(signal.SIGTERM)
        with mock.patch.dict(os.environ, self.URLS), mock.patch.dict(consume_queue.HANDLERS, handlers), self.assertLogs("webapp.queues", "INFO"):
            call_command("consume_queue", "emails", "email-feedback", client=client)
        self.assertIs(signal.getsignal(signal.SIGTERM), sigterm_before)
        self.assertEqual(handled, [("emails", "S"), ("email-feedback", "Bounce")])
        receives = client.calls_of("receive_message")
        self.assertEqual([r["QueueUrl"] for r in receives[:2]], [self.URLS["QUEUE_URL_EMAILS"], self.URLS["QUEUE_URL_EMAIL_FEEDBACK"]])
        self.assertTrue(all(r["WaitTimeSeconds"] == 10 for r in receives), receives)  # 20 s per round in all
        self.assertEqual(client.deleted, ["handle-1", "handle-2"])

    def test_the_feedback_queue_has_its_handler(self):
        self.assertIs(consume_queue.HANDLERS["email-feedback"], email_feedback.handle)


class SettingsTests(unittest.TestCase):
    def test_the_email_section_switches_to_ses_from_the_contracts_sender(self):
        values, _ = load_settings(EMAIL_CONFIGURATION_SET="webapp-staging-email", EMAIL_FROM="no-reply@staging.example.com", EMAIL_REGION="eu-west-1")
        self.assertEqual(values["EMAIL_BACKEND"], "webapp.core.ses.SesEmailBackend")
        self.assertEqual(values["DEFAULT_FROM_EMAIL"], "no-reply@staging.example.com")
        self.assertEqual(values["EMAIL_CONFIGURATION_SET"], "webapp-staging-email")

    def test_without_it_mail_goes_to_the_console(self):
        values, _ = load_settings()
        self.assertEqual(values["EMAIL_BACKEND"], "django.core.mail.backends.console.EmailBackend")

    def test_the_models_match_the_migrations(self):
        out = StringIO()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # no database here to check the history against
            call_command("makemigrations", "core", "--check", "--dry-run", stdout=out)  # exits 1 when a migration is missing
        self.assertIn("No changes detected", out.getvalue())
