"""
SES feedback, consumed from the SQS queue `email-feedback` (`consume_queue ... email-feedback`):
the stack publishes the configuration set's bounce, complaint and reject events to an SNS topic
delivered raw to that queue, so each message body is one SES event (SES developer guide, "Contents
of event data that Amazon SES publishes to Amazon SNS").

- a permanent bounce (`bounceType: Permanent`) or a complaint: each address it names is suppressed
  (webapp.core.models.SuppressedAddress), so webapp.core.ses sends it nothing more;
- a transient bounce (mailbox full, ...) or a reject (SES found a virus): logged only.

Anything else is not an SES event: it raises, and the message goes to the dead-letter queue after
its retries (alarm `queue-email-feedback-dead-letters`).
"""
import logging

logger = logging.getLogger("webapp.email")

QUEUE = "email-feedback"


def suppressions(event):
    """[(address, reason, detail)] an SES event asks to suppress; [] for events only logged."""
    if not isinstance(event, dict):
        raise ValueError("an SES event is a JSON object")
    # Event publishing names it eventType; identity notifications notificationType.
    kind = event.get("eventType") or event.get("notificationType")
    if kind == "Bounce":
        bounce = event.get("bounce") or {}
        if bounce.get("bounceType") != "Permanent":
            return []
        detail = f"{bounce.get('bounceType')}/{bounce.get('bounceSubType', '')}"
        return [(r["emailAddress"], "bounce", detail) for r in bounce.get("bouncedRecipients", [])]
    if kind == "Complaint":
        complaint = event.get("complaint") or {}
        detail = complaint.get("complaintFeedbackType", "")
        return [(r["emailAddress"], "complaint", detail) for r in complaint.get("complainedRecipients", [])]
    if kind in ("Reject", "Delivery", "Send"):
        return []
    raise ValueError(f"not an SES bounce, complaint or reject event (eventType {kind!r})")


def handle(event):
    """Handler of the `email-feedback` queue: suppresses what the event names (idempotent)."""
    from webapp.core.models import SuppressedAddress
    from webapp.core.ses import address_of

    found = suppressions(event)
    for address, reason, detail in found:
        # SES names the recipient as it was addressed ("Bob <bob@example.org>" too): the bare address.
        SuppressedAddress.objects.update_or_create(email=address_of(address), defaults={"reason": reason, "detail": detail[:200]})
        logger.info("suppressed %s (%s %s)", address, reason, detail)
    if not found:
        logger.info("SES %s event: nothing to suppress", event.get("eventType") or event.get("notificationType"))
