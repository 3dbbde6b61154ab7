"""The load balancer health check (Host = the task's private IP) against ALLOWED_HOSTS."""
import unittest
from unittest import mock

from django.conf import settings
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.test.utils import override_settings

TASK_IP_HOST = "10.0.1.23:8000"  # what the ALB sends as Host when it checks a task
HEALTH = "webapp.health.HealthCheckMiddleware"


def database_unreachable(*args, **kwargs):
    raise OperationalError("the health check must not use the database")


class HealthCheckTests(unittest.TestCase):
    def setUp(self):
        self.client = Client()  # a new client (and handler) per test: MIDDLEWARE is read again

    def assertRejectedHost(self, method, path, client=None):
        """The request by task IP is answered 400 because of ALLOWED_HOSTS (DisallowedHost)."""
        with self.assertLogs("django", "WARNING") as logs:
            response = getattr(client or self.client, method)(path, HTTP_HOST=TASK_IP_HOST)
        self.assertEqual(response.status_code, 400, f"{method.upper()} {path}")
        self.assertIn("django.security.DisallowedHost", [record.name for record in logs.records])

    def test_allowed_hosts_are_only_the_app_hosts(self):
        self.assertEqual(settings.ALLOWED_HOSTS, ["example.com", "www.example.com"])
        self.assertEqual(settings.MIDDLEWARE[0], HEALTH)

    def test_health_check_by_task_ip_answers_200(self):
        response = self.client.get("/healthz", HTTP_HOST=TASK_IP_HOST)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"ok")

    def test_head_health_check_by_task_ip_answers_200(self):
        self.assertEqual(self.client.head("/healthz", HTTP_HOST=TASK_IP_HOST).status_code, 200)

    def test_health_check_never_touches_the_database(self):
        with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", database_unreachable), \
                mock.patch.object(BaseDatabaseWrapper, "connect", database_unreachable):
            response = self.client.get("/healthz", HTTP_HOST=TASK_IP_HOST)
        self.assertEqual(response.status_code, 200)

    def test_other_pages_by_task_ip_answer_400(self):
        self.assertRejectedHost("get", "/")

    def test_only_the_exact_path_and_get_or_head_bypass_host_validation(self):
        self.assertRejectedHost("get", "/healthz/")
        self.assertRejectedHost("get", "/healthz/x")
        self.assertRejectedHost("post", "/healthz")

    def test_app_host_is_served(self):
        for host in ("example.com", "www.example.com"):
            response = self.client.get("/", HTTP_HOST=host, HTTP_X_FORWARDED_PROTO="https")
            self.assertEqual(response.status_code, 200, host)
            self.assertIn(b"Hello from web (test)", response.content)

    def test_plain_http_from_the_load_balancer_is_redirected_to_https(self):
        response = self.client.get("/", HTTP_HOST="example.com", HTTP_X_FORWARDED_PROTO="http")
        self.assertEqual(response.status_code, 301)
        self.assertEqual(response["Location"], "https://example.com/")

    def test_health_check_path_comes_from_settings(self):
        with override_settings(HEALTH_CHECK_PATH="/ping"):
            client = Client()
            self.assertEqual(client.get("/ping", HTTP_HOST=TASK_IP_HOST).status_code, 200)
            self.assertRejectedHost("get", "/healthz", client)

    def test_regression_without_the_middleware_the_health_check_by_ip_fails(self):
        # Proves the tests above can fail: this is what the ALB would see without webapp.health.
        without = [m for m in settings.MIDDLEWARE if m != HEALTH]
        with override_settings(MIDDLEWARE=without):
            self.assertRejectedHost("get", "/healthz", Client())

    def test_regression_the_middleware_after_security_middleware_is_too_late(self):
        late = [m for m in settings.MIDDLEWARE if m != HEALTH]
        late.insert(1, HEALTH)
        with override_settings(MIDDLEWARE=late):
            self.assertRejectedHost("get", "/healthz", Client())
