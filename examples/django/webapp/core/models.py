from django.db import models


class Note(models.Model):
    """A tiny model so that `migrate` has real work to do."""

    text = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.text
