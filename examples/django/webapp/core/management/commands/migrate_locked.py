"""
`migrate`, serialized by a PostgreSQL advisory lock:

    python manage.py migrate_locked --noinput

The release one-off task runs it before the services roll. The release tool already prevents two
releases of one environment at once; the lock also covers a migration started by hand (or a
retried task) while another is running: the second waits for the first instead of applying the
same migrations concurrently. Takes the same arguments as `migrate` and forwards them all.

The lock is a session-level advisory lock held on a dedicated connection (not the one `migrate`
uses, which migrations may close or leave in a failed transaction). It is released when
`migrate` ends, successfully or not; were the process killed, Postgres releases it with the
session.
"""
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import BaseCommand
from django.db import connections

# Fixed for the app (advisory locks are scoped to the current database): the bytes of
# "migrate!" read as a signed 64-bit integer, the type pg_advisory_lock(bigint) takes.
MIGRATION_LOCK_KEY = int.from_bytes(b"migrate!", "big", signed=True)  # = 7883946363647714593


def _migrate_command():
    # The installed `migrate` (an app may override Django's).
    return load_command_class(get_commands()["migrate"], "migrate")


class Command(BaseCommand):
    help = "Runs `migrate` while holding a PostgreSQL advisory lock, so two migration runs never overlap."
    requires_system_checks = []  # `migrate` runs its own (its --skip-checks is forwarded)

    def add_arguments(self, parser):
        _migrate_command().add_arguments(parser)

    def handle(self, *args, **options):
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            self.stderr.write(f"{connection.vendor} has no advisory locks: running migrate without a lock.")
            call_command("migrate", *args, **options)
            return

        lock_connection = connection.copy(alias=f"{connection.alias}-migration-lock")
        try:
            self._acquire(lock_connection, options["verbosity"])
            try:
                call_command("migrate", *args, **options)
            finally:
                self._release(lock_connection)
        finally:
            lock_connection.close()  # ends the session: releases the lock whatever happened above

    def _acquire(self, lock_connection, verbosity):
        with lock_connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [MIGRATION_LOCK_KEY])
            if not cursor.fetchone()[0]:
                self.stdout.write("Waiting for the migration lock: another migration is running...")
                cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_KEY])
        if verbosity >= 1:
            self.stdout.write("Migration lock acquired.")

    def _release(self, lock_connection):
        try:
            with lock_connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_KEY])
        except Exception as error:  # don't hide migrate's own error; closing the session releases it
            self.stderr.write(f"Could not release the migration lock explicitly ({error}); closing the session.")
