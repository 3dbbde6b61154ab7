"""webapp/settings.py reads the app contract, and only it."""
import os
import runpy
import ssl
import unittest
from pathlib import Path
from unittest import mock
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from tests import CONTRACT_DEFAULTS

APP_DIR = Path(__file__).resolve().parent.parent

# Every variable the platform gives an app container (README "The app contract").
CONTRACT = {
    "ENVIRONMENT", "SERVICE_NAME", "AWS_REGION", "DOMAIN_NAME", "APP_HOSTS", "HEALTH_CHECK_PATH",
    "CDN_DOMAIN_NAME", "AWS_STORAGE_BUCKET_NAME", "AWS_PRIVATE_STORAGE_BUCKET_NAME",
    "DATABASE_HOST", "DATABASE_PORT", "DATABASE_NAME", "DATABASE_USER", "DATABASE_AUTH",
    "REDIS_HOST", "REDIS_PORT", "REDIS_URL", "REDIS_AUTH_TOKEN", "SECRET_KEY",
    # With the email section (src/modules/email.ts, EMAIL_VARIABLES).
    "EMAIL_FROM", "EMAIL_CONFIGURATION_SET", "EMAIL_REGION",
}


class RecordingEnviron(dict):
    """os.environ stand-in that records every name looked up."""

    def __init__(self, values):
        super().__init__(values)
        self.read = set()

    def __getitem__(self, name):
        self.read.add(name)
        return super().__getitem__(name)

    def get(self, name, default=None):
        self.read.add(name)
        return super().get(name, default)

    def __contains__(self, name):
        self.read.add(name)
        return super().__contains__(name)


def load_settings(**overrides):
    """Runs webapp/settings.py afresh in a given environment; returns (settings dict, names read)."""
    environ = RecordingEnviron({**CONTRACT_DEFAULTS, **overrides})
    with mock.patch.object(os, "environ", environ):
        values = runpy.run_path(str(APP_DIR / "webapp" / "settings.py"))
    return values, environ.read


class ContractTests(unittest.TestCase):
    def test_reads_only_contract_variables_and_never_a_database_password(self):
        values, read = load_settings(DATABASE_PASSWORD="must-not-be-used", DATABASE_URL="postgres://x:y@h/d")
        self.assertLessEqual(read, CONTRACT, f"not in the contract: {sorted(read - CONTRACT)}")
        self.assertNotIn("DATABASE_PASSWORD", read)
        self.assertNotIn("must-not-be-used", repr(values["DATABASES"]))
        self.assertFalse(values["DATABASES"]["default"].get("PASSWORD"))

    def test_no_code_of_the_app_mentions_a_database_password(self):
        for path in (APP_DIR / "webapp").rglob("*.py"):
            self.assertNotIn("DATABASE_PASSWORD", path.read_text(), str(path))

    def test_hosts(self):
        values, _ = load_settings(APP_HOSTS=" example.com, www.example.com ,app.example.com")
        self.assertEqual(values["ALLOWED_HOSTS"], ["example.com", "www.example.com", "app.example.com"])
        self.assertEqual(
            values["CSRF_TRUSTED_ORIGINS"],
            ["https://example.com", "https://www.example.com", "https://app.example.com"],
        )
        self.assertEqual(values["SECURE_PROXY_SSL_HEADER"], ("HTTP_X_FORWARDED_PROTO", "https"))
        self.assertEqual(values["MIDDLEWARE"][0], "webapp.health.HealthCheckMiddleware")

    def test_hosts_default_to_the_domain(self):
        values, _ = load_settings(APP_HOSTS="")
        self.assertEqual(values["ALLOWED_HOSTS"], ["example.com"])

    def test_database_uses_iam_backend_and_tls(self):
        values, _ = load_settings(DATABASE_HOST="app.abc.eu-west-1.rds.amazonaws.com")
        db = values["DATABASES"]["default"]
        self.assertEqual(db["ENGINE"], "webapp.db.iam_postgresql")
        self.assertEqual(
            (db["HOST"], db["PORT"], db["NAME"], db["USER"], db["AUTH"], db["AWS_REGION"]),
            ("app.abc.eu-west-1.rds.amazonaws.com", "5432", "app", "app_user", "iam", "eu-west-1"),
        )
        self.assertEqual(db["OPTIONS"]["sslmode"], "require")

    def test_database_certificate_is_verified_when_the_ca_bundle_is_in_the_image(self):
        bundle = "/etc/ssl/certs/rds-global-bundle.pem"
        real_isfile = os.path.isfile
        with mock.patch("os.path.isfile", lambda p: p == bundle or real_isfile(p)):
            values, _ = load_settings()
        self.assertEqual(values["DATABASES"]["default"]["OPTIONS"]["sslmode"], "verify-full")
        self.assertEqual(values["DATABASES"]["default"]["OPTIONS"]["sslrootcert"], bundle)

    def test_redis_urls_carry_the_quoted_token_over_tls(self):
        token = "p@ss:w/rd#%?&+ =x"
        values, _ = load_settings(REDIS_AUTH_TOKEN=token, REDIS_HOST="master.cache.local", REDIS_PORT="6380")
        for url in (values["CELERY_BROKER_URL"], values["CACHES"]["default"]["LOCATION"]):
            parts = urlsplit(url)
            self.assertEqual(parts.scheme, "rediss")
            self.assertEqual((parts.hostname, parts.port), ("master.cache.local", 6380))
            self.assertEqual(unquote(parts.password), token)
            self.assertNotIn(token, url)
        self.assertEqual(values["CELERY_BROKER_USE_SSL"], {"ssl_cert_reqs": ssl.CERT_REQUIRED})

    def test_storages(self):
        values, _ = load_settings()
        media = values["STORAGES"]["default"]["OPTIONS"]
        static = values["STORAGES"]["staticfiles"]["OPTIONS"]
        self.assertEqual(media["bucket_name"], "webapp-test-media")
        self.assertTrue(media["querystring_auth"])
        self.assertEqual(static["bucket_name"], "webapp-test-static")
        self.assertEqual(static["custom_domain"], "static.example.com")
        self.assertFalse(static["querystring_auth"])
        self.assertEqual(values["STATIC_URL"], "https://static.example.com/")

    def test_missing_contract_variable_is_named(self):
        with self.assertRaisesRegex(ImproperlyConfigured, "SECRET_KEY"):
            load_settings(SECRET_KEY="")
