"""
PostgreSQL backend for RDS IAM database authentication.

The app role has no password: RDS accepts, as the password, an authentication token signed with
the task role's credentials. A token is valid for 15 minutes and is only checked when a
connection is opened, so a fresh one is generated for every NEW connection (signing is local: no
AWS call). Open connections live on as long as CONN_MAX_AGE allows.

settings.DATABASES["default"]:
    "ENGINE": "webapp.db.iam_postgresql",
    "AUTH": "iam",               # anything else: no token (libpq finds credentials itself)
    "AWS_REGION": "eu-west-1",   # region of the database
    "TOKEN_GENERATOR": ...,      # optional: callable or dotted path, f(host=, port=, user=, region=)

Works with psycopg 3 (Django 4.2+) and psycopg2. RDS requires TLS with IAM authentication:
keep "sslmode" at "require" or "verify-full" in OPTIONS.
"""
from django.core.exceptions import ImproperlyConfigured
from django.db.backends.postgresql import base as postgresql
from django.utils.module_loading import import_string

from webapp import aws_clients

def generate_rds_auth_token(*, host, port, user, region):
    """An RDS IAM authentication token, signed locally with the task role's credentials."""
    return aws_clients.client("rds", region).generate_db_auth_token(DBHostname=host, Port=int(port), DBUsername=user)


class DatabaseWrapper(postgresql.DatabaseWrapper):
    def get_connection_params(self):
        settings_dict = self.settings_dict
        if settings_dict.get("AUTH") != "iam":
            return super().get_connection_params()
        if settings_dict.get("OPTIONS", {}).get("pool"):
            # A psycopg pool (Django 5.1+) opens its connections with the parameters it was
            # created with: the token in them would expire after 15 minutes.
            raise ImproperlyConfigured("IAM database authentication cannot be used with OPTIONS['pool'].")
        if settings_dict.get("PASSWORD"):
            raise ImproperlyConfigured("With IAM database authentication, DATABASES PASSWORD must be empty.")
        for key in ("HOST", "PORT", "USER", "AWS_REGION"):
            if not settings_dict.get(key):
                raise ImproperlyConfigured(f"IAM database authentication needs DATABASES {key}.")

        params = super().get_connection_params()
        params["password"] = self.token_generator()(
            host=settings_dict["HOST"],
            port=int(settings_dict["PORT"]),
            user=settings_dict["USER"],
            region=settings_dict["AWS_REGION"],
        )
        return params

    def token_generator(self):
        generator = self.settings_dict.get("TOKEN_GENERATOR") or generate_rds_auth_token
        return import_string(generator) if isinstance(generator, str) else generator
