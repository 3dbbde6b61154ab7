import os
import unittest
from contextlib import contextmanager

from django.conf import settings


def require_database(test_case_class):
    """Skip (or, with REQUIRE_LOCAL_SERVICES=1, fail) when no prepared PostgreSQL is available."""
    if os.environ.get("TEST_DATABASE") == "1":
        return
    message = "no PostgreSQL server (run through __tests__/example-app.test.ts, which starts one)"
    if os.environ.get("REQUIRE_LOCAL_SERVICES") == "1":
        raise AssertionError(message)
    raise unittest.SkipTest(message)


@contextmanager
def raw_connect():
    """A plain driver connection (psycopg 3 or psycopg2) to the test database: a separate session,
    closed on exit."""
    db = settings.DATABASES["default"]
    params = {
        "host": db["HOST"],
        "port": db["PORT"],
        "dbname": db["NAME"],
        "user": db["USER"],
        "password": os.environ.get("TEST_IAM_TOKEN", "local-token"),
    }
    try:
        import psycopg

        connection = psycopg.connect(**params, autocommit=True)
    except ImportError:
        import psycopg2

        connection = psycopg2.connect(**params)
        connection.autocommit = True
    try:
        yield connection
    finally:
        connection.close()


def query_value(connection, sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        return row[0] if row else None
