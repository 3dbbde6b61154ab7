"""
Celery app. Worker service command (same image):  celery -A webapp worker --loglevel INFO
Broker settings come from Django settings (CELERY_*): Redis over TLS with the AUTH token.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")

app = Celery("webapp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
