"""
Stand-in for RDS IAM tokens. Locally there is no IAM: the jest wrapper gives the app role a
password and passes it as TEST_IAM_TOKEN, so a connection succeeds only if the backend really sent
the generated token as the password.
"""
import os

calls = []


def generate_token(*, host, port, user, region):
    calls.append({"host": host, "port": port, "user": user, "region": region})
    return os.environ.get("TEST_IAM_TOKEN", "local-token")
