"""
Runs AWS API calls against the emulator with boto3 and prints the responses as JSON.
Used by the end-to-end checks for the services whose AWS SDK v3 client is not a dependency of the
project (EC2, SSM, ECR, Application Auto Scaling); boto3 is always present where moto is.

stdin:  {"endpoint": "http://127.0.0.1:PORT", "calls": [{"service": "ec2", "region": "eu-west-1",
         "operation": "describe_vpcs", "params": {...}}, ...]}
stdout: [response, ...] in call order.
"""

import json
import sys
from urllib.parse import urlparse

import boto3

request = json.load(sys.stdin)
endpoint = request["endpoint"]
if urlparse(endpoint).hostname not in ("127.0.0.1", "localhost", "::1"):
    sys.exit(f"refusing to call a non-loopback endpoint: {endpoint}")

session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing")
results = []
for call in request["calls"]:
    client = session.client(call["service"], region_name=call.get("region", "eu-west-1"), endpoint_url=endpoint)
    response = getattr(client, call["operation"])(**call.get("params", {}))
    response.pop("ResponseMetadata", None)
    results.append(response)
json.dump(results, sys.stdout, default=str)
