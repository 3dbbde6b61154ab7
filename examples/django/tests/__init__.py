"""
Tests of the example app, with plain unittest (Django 3.2+ with psycopg2, or 4.2+ with psycopg 3):

    cd examples/django && python3 -m unittest discover -s tests -t . -v

They never call AWS: the IAM token generator is replaced by tests.fake_iam. The database tests
need a PostgreSQL server prepared like RDS (the jest test __tests__/example-app.test.ts starts a
throwaway one); without TEST_DATABASE=1 they are skipped, or fail if REQUIRE_LOCAL_SERVICES=1.
"""
import os

# The app contract, as ECS would set it (the jest wrapper overrides DATABASE_* for a real server).
CONTRACT_DEFAULTS = {
    "ENVIRONMENT": "test",
    "SERVICE_NAME": "web",
    "AWS_REGION": "eu-west-1",
    "DOMAIN_NAME": "example.com",
    "APP_HOSTS": "example.com,www.example.com",
    "HEALTH_CHECK_PATH": "/healthz",
    "CDN_DOMAIN_NAME": "static.example.com",
    "AWS_STORAGE_BUCKET_NAME": "webapp-test-static",
    "AWS_PRIVATE_STORAGE_BUCKET_NAME": "webapp-test-media",
    "DATABASE_HOST": "db.test.internal",
    "DATABASE_PORT": "5432",
    "DATABASE_NAME": "app",
    "DATABASE_USER": "app_user",
    "DATABASE_AUTH": "iam",
    "REDIS_HOST": "cache.test.internal",
    "REDIS_PORT": "6379",
    "REDIS_URL": "rediss://cache.test.internal:6379/0",
    "REDIS_AUTH_TOKEN": "redis-token",
    "SECRET_KEY": "test-secret-key-not-for-production",
}
for _name, _value in CONTRACT_DEFAULTS.items():
    os.environ.setdefault(_name, _value)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()
