"""
Liveness endpoint for the load balancer health check.

The ALB checks each task at http://<task private IP>:<port><HEALTH_CHECK_PATH>, so the Host header
is an IP address that ALLOWED_HOSTS rightly rejects: any middleware that calls
request.get_host() (SecurityMiddleware's HTTPS redirect, CommonMiddleware, CsrfViewMiddleware...)
would answer 400 and the target would never become healthy. This middleware must therefore be
the FIRST entry of MIDDLEWARE: it answers GET/HEAD on exactly HEALTH_CHECK_PATH, whatever the
Host, before anything else runs. Every other request goes through unchanged, so ALLOWED_HOSTS
still protects the application.

It never touches the database or the cache: it tells the load balancer the process serves HTTP.
A database that is briefly unavailable (failover, maintenance) must not get every task killed
and replaced at the same time.
"""
from django.conf import settings
from django.http import HttpResponse

DEFAULT_HEALTH_CHECK_PATH = "/healthz"


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.path = getattr(settings, "HEALTH_CHECK_PATH", None) or DEFAULT_HEALTH_CHECK_PATH

    def __call__(self, request):
        if request.path == self.path and request.method in ("GET", "HEAD"):
            response = HttpResponse(b"" if request.method == "HEAD" else b"ok", content_type="text/plain")
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)
