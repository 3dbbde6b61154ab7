from django.db import models


class Note(models.Model):
    """A tiny model so that `migrate` has real work to do."""

    text = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.text


class SuppressedAddress(models.Model):
    """An address SES reported as bouncing for good or complaining: the app sends it nothing more
    (webapp.core.ses skips it). Filled by the `email-feedback` queue consumer (webapp.core.email_feedback)."""

    BOUNCE = "bounce"
    COMPLAINT = "complaint"

    email = models.EmailField(max_length=254, unique=True)
    reason = models.CharField(max_length=20, choices=[(BOUNCE, "Permanent bounce"), (COMPLAINT, "Complaint")])
    detail = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.email} ({self.reason})"
