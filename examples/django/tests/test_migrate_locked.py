"""`manage.py migrate_locked` as the app role, against PostgreSQL prepared like RDS."""
import subprocess
import sys
import time
import unittest
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.db import connection

from tests.support import query_value, raw_connect, require_database
from webapp.core.management.commands import migrate_locked
from webapp.core.management.commands.migrate_locked import MIGRATION_LOCK_KEY

APP_DIR = Path(__file__).resolve().parent.parent
NOTE_TABLE_OWNER = "SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = 'core_note'"
# The suppression list of the SES feedback (webapp.core.email_feedback), from migration 0002.
SUPPRESSED_TABLE_OWNER = "SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = 'core_suppressedaddress'"
# Sessions waiting for our advisory lock (a bigint key is stored as classid = high, objid = low 32 bits).
WAITERS = """
    SELECT count(*) FROM pg_locks
    WHERE locktype = 'advisory' AND NOT granted AND objsubid = 1
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND ((classid::bigint << 32) | objid::bigint) = %s
"""


def manage(*args):
    """`python manage.py ...` in a new process, as the release's one-off task would run it."""
    return subprocess.Popen(
        [sys.executable, "manage.py", *args], cwd=APP_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def lock_is_free():
    with raw_connect() as other:
        if query_value(other, "SELECT pg_try_advisory_lock(%s)", [MIGRATION_LOCK_KEY]):
            query_value(other, "SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_KEY])
            return True
        return False


class MigrateLockedTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_database(cls)

    def tearDown(self):
        connection.close()

    def test_migrate_as_the_app_role_creates_tables_it_owns(self):
        process = manage("migrate_locked", "--noinput")
        output, _ = process.communicate(timeout=60)
        self.assertEqual(process.returncode, 0, output)
        self.assertIn("Migration lock acquired.", output)
        with raw_connect() as other:
            self.assertEqual(query_value(other, NOTE_TABLE_OWNER), "app_user")
            self.assertEqual(query_value(other, SUPPRESSED_TABLE_OWNER), "app_user")
            self.assertEqual(query_value(other, "SELECT count(*) FROM django_migrations WHERE app = 'core'"), 2)
        self.assertTrue(lock_is_free())

    def test_a_second_run_waits_for_the_lock(self):
        # Positional arguments are forwarded too: unapply core's migrations, then run the real thing.
        call_command("migrate_locked", interactive=False, verbosity=0)
        call_command("migrate_locked", "core", "zero", interactive=False, verbosity=0)
        with raw_connect() as other:
            self.assertIsNone(query_value(other, NOTE_TABLE_OWNER))

        with raw_connect() as holder:  # a separate session holds the lock, like a running migration
            query_value(holder, "SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_KEY])
            started = time.monotonic()
            process = manage("migrate_locked", "--noinput")
            try:
                while query_value(holder, WAITERS, [MIGRATION_LOCK_KEY]) == 0:
                    self.assertIsNone(process.poll(), "migrate_locked ended without waiting for the lock")
                    self.assertLess(time.monotonic() - started, 20, "migrate_locked never waited for the lock")
                    time.sleep(0.05)
                time.sleep(max(0.0, 2.0 - (time.monotonic() - started)))
                self.assertIsNone(process.poll(), "migrate_locked finished while another session held the lock")
                self.assertIsNone(query_value(holder, NOTE_TABLE_OWNER), "migrated while the lock was held")
            finally:
                query_value(holder, "SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_KEY])
            output, _ = process.communicate(timeout=60)

        self.assertEqual(process.returncode, 0, output)
        self.assertIn("Waiting for the migration lock", output)
        with raw_connect() as other:
            self.assertEqual(query_value(other, NOTE_TABLE_OWNER), "app_user")

    def test_lock_is_held_during_migrate_and_released_when_it_fails(self):
        seen = {}

        def failing_migrate(name, *args, **options):
            seen["name"], seen["interactive"], seen["lock_free"] = name, options["interactive"], lock_is_free()
            raise RuntimeError("migration failed")

        with mock.patch.object(migrate_locked, "call_command", failing_migrate):
            with self.assertRaisesRegex(RuntimeError, "migration failed"):
                call_command("migrate_locked", interactive=False, verbosity=0)
        self.assertEqual(seen, {"name": "migrate", "interactive": False, "lock_free": False})
        self.assertTrue(lock_is_free())
