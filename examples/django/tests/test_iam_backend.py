"""webapp.db.iam_postgresql: a fresh IAM token as the password of every new connection."""
import copy
import os
import sys
import types
import unittest
from itertools import count
from unittest import mock

from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, connections

from tests import fake_iam
from tests.support import require_database
from webapp import aws_clients
from webapp.db.iam_postgresql import base as iam


def settings_dict(**overrides):
    """The configured database (from the contract variables), with overrides."""
    return {**copy.deepcopy(connections["default"].settings_dict), **overrides}


def contract_call():
    """The generator call expected from the contract variables (DATABASE_HOST/PORT/USER, AWS_REGION)."""
    env = os.environ
    return mock.call(host=env["DATABASE_HOST"], port=int(env["DATABASE_PORT"]), user=env["DATABASE_USER"], region=env["AWS_REGION"])


def token_sequence():
    numbers = count(1)
    return mock.Mock(side_effect=lambda **kwargs: f"token-{next(numbers)}")


class ConnectionParamsTests(unittest.TestCase):
    def test_each_new_connection_gets_a_new_token_for_the_contract_host_port_user(self):
        generator = token_sequence()
        wrapper = iam.DatabaseWrapper(settings_dict(TOKEN_GENERATOR=generator), alias="iam-test")
        first = wrapper.get_connection_params()
        second = wrapper.get_connection_params()
        self.assertEqual((first["password"], second["password"]), ("token-1", "token-2"))
        self.assertEqual(generator.call_args_list, [contract_call(), contract_call()])
        env = os.environ
        self.assertEqual((first["host"], first["port"], first["user"]), (env["DATABASE_HOST"], env["DATABASE_PORT"], env["DATABASE_USER"]))
        self.assertEqual(first["database"], env["DATABASE_NAME"])
        self.assertEqual(first["sslmode"], "require")

    def test_the_configured_generator_is_a_dotted_path(self):
        fake_iam.calls.clear()
        wrapper = iam.DatabaseWrapper(settings_dict(), alias="iam-test")
        wrapper.get_connection_params()
        self.assertEqual(len(fake_iam.calls), 1)

    def test_default_generator_signs_with_boto3_rds_client(self):
        rds = mock.Mock()
        rds.generate_db_auth_token.return_value = "signed-token"
        fake_boto3 = types.SimpleNamespace(client=mock.Mock(return_value=rds))
        with mock.patch.dict(sys.modules, {"boto3": fake_boto3}), mock.patch.dict(aws_clients._clients, clear=True):
            wrapper = iam.DatabaseWrapper(settings_dict(TOKEN_GENERATOR=None), alias="iam-test")
            self.assertEqual(wrapper.get_connection_params()["password"], "signed-token")
            wrapper.get_connection_params()
        fake_boto3.client.assert_called_once_with("rds", region_name=os.environ["AWS_REGION"])  # one client, reused
        self.assertEqual(rds.generate_db_auth_token.call_count, 2)  # one token per connection
        expected = contract_call().kwargs
        rds.generate_db_auth_token.assert_called_with(DBHostname=expected["host"], Port=expected["port"], DBUsername=expected["user"])

    def test_without_iam_auth_no_password_is_set(self):
        generator = token_sequence()
        wrapper = iam.DatabaseWrapper(settings_dict(AUTH="", TOKEN_GENERATOR=generator), alias="iam-test")
        self.assertNotIn("password", wrapper.get_connection_params())
        generator.assert_not_called()

    def test_refuses_a_connection_pool_and_a_static_password(self):
        for overrides in ({"OPTIONS": {"pool": True}}, {"PASSWORD": "static"}):
            wrapper = iam.DatabaseWrapper(settings_dict(TOKEN_GENERATOR=token_sequence(), **overrides), alias="x")
            with self.assertRaises(ImproperlyConfigured):
                wrapper.get_connection_params()


class IamBackendAgainstPostgresTests(unittest.TestCase):
    """Locally the role has a password standing in for the token (password auth in pg_hba.conf)."""

    @classmethod
    def setUpClass(cls):
        require_database(cls)

    def wrapper(self, generator):
        return iam.DatabaseWrapper(settings_dict(TOKEN_GENERATOR=generator), alias="iam-db-test")

    def test_token_is_generated_for_every_new_connection(self):
        generator = mock.Mock(side_effect=fake_iam.generate_token)
        wrapper = self.wrapper(generator)
        try:
            for _ in range(2):
                wrapper.ensure_connection()
                with wrapper.cursor() as cursor:
                    cursor.execute("SELECT current_user")
                    self.assertEqual(cursor.fetchone()[0], "app_user")
                    cursor.execute("SELECT 1")  # the same connection: no new token
                wrapper.close()
        finally:
            wrapper.close()
        self.assertEqual(generator.call_count, 2)
        self.assertEqual(generator.call_args_list, [contract_call(), contract_call()])

    def test_the_token_really_is_the_password(self):
        wrapper = self.wrapper(mock.Mock(return_value="not-the-token"))
        try:
            with self.assertRaisesRegex(OperationalError, "password authentication failed"):
                wrapper.ensure_connection()
        finally:
            wrapper.close()
