from celery import shared_task

from .models import Note


@shared_task
def add_note(text):
    """Example task: `add_note.delay("hello")` from a view, run by the worker service."""
    return Note.objects.create(text=text).pk
