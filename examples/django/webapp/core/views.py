from django.conf import settings
from django.http import HttpResponse


def index(request):
    # Serves something without touching the database.
    return HttpResponse(f"Hello from {settings.SERVICE_NAME or 'web'} ({settings.ENVIRONMENT})\n", content_type="text/plain")
