from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_POST

from webapp.core.emails import enqueue_email

CONTACT_MESSAGE_MAX_LENGTH = 5000


def index(request):
    # Serves something without touching the database.
    return HttpResponse(f"Hello from {settings.SERVICE_NAME or 'web'} ({settings.ENVIRONMENT})\n", content_type="text/plain")


@require_POST
def contact(request):
    """
    A contact form's target (POST `email`, `message`, with the CSRF token): queues an e-mail to
    settings.CONTACT_EMAIL on the SQS queue `emails` and answers 202; the mailer worker sends it.
    """
    email = request.POST.get("email", "").strip()
    message = request.POST.get("message", "").strip()
    errors = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = "a valid e-mail address is required"
    if not message:
        errors["message"] = "a message is required"
    elif len(message) > CONTACT_MESSAGE_MAX_LENGTH:
        errors["message"] = f"at most {CONTACT_MESSAGE_MAX_LENGTH} characters"
    if errors:
        return JsonResponse({"errors": errors}, status=400)
    enqueue_email(settings.CONTACT_EMAIL, f"Contact form: {email}", f"From: {email}\n\n{message}\n")
    return JsonResponse({"status": "queued"}, status=202)
