"""
Builds, with boto3 against the emulator, what a team moving a live app brings along (the adopt
e2e, docs/migrating.md): a VPC with two public subnets routed to an internet gateway and two
private subnets routed through a NAT gateway (explicit route-table associations for the private
ones, the VPC's main table for the public ones), an encrypted Postgres instance in those private
subnets behind the old app's security group, a media bucket holding an object and a static
bucket, and two issued certificates (imported: ISSUED at once), the load balancer's in the
environment's region and CloudFront's in us-east-1.

stdin:  {"endpoint": ..., "region": ..., "instance": ..., "mediaBucket": ..., "staticBucket": ...,
         "loadBalancerNames": [...], "cdnName": ...}
stdout: the ids, ARNs and endpoint of everything created, as JSON.
"""

import datetime
import json
import sys
import time
from urllib.parse import urlparse

import boto3
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

request = json.load(sys.stdin)
endpoint = request["endpoint"]
if urlparse(endpoint).hostname not in ("127.0.0.1", "localhost", "::1"):
    sys.exit(f"refusing to call a non-loopback endpoint: {endpoint}")
region = request["region"]
session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing")


def client(service, at=region):
    return session.client(service, region_name=at, endpoint_url=endpoint)


ec2 = client("ec2")
vpc = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
zones = [f"{region}a", f"{region}b"]


def subnet(cidr, zone):
    return ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]["SubnetId"]


public = [subnet(f"10.60.{i}.0/24", z) for i, z in enumerate(zones)]
private = [subnet(f"10.60.{10 + i}.0/24", z) for i, z in enumerate(zones)]
# Public subnets use the VPC's main route table (no explicit association), as many hand-built VPCs do.
main_table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "association.main", "Values": ["true"]}])["RouteTables"][0]["RouteTableId"]
ec2.create_route(RouteTableId=main_table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
nat = ec2.create_nat_gateway(SubnetId=public[0], AllocationId=allocation)["NatGateway"]["NatGatewayId"]
private_table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
ec2.create_route(RouteTableId=private_table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
for s in private:
    ec2.associate_route_table(RouteTableId=private_table, SubnetId=s)
old_app_group = ec2.create_security_group(GroupName="legacy-app", Description="the old app", VpcId=vpc)["GroupId"]

rds = client("rds")
rds.create_db_subnet_group(DBSubnetGroupName="legacy-db-subnets", DBSubnetGroupDescription="the old app's database subnets", SubnetIds=private)
rds.create_db_instance(
    DBInstanceIdentifier=request["instance"],
    Engine="postgres",
    EngineVersion="17.6",
    DBInstanceClass="db.t4g.micro",
    AllocatedStorage=20,
    StorageType="gp2",
    DBName="app",
    MasterUsername="dbadmin",
    MasterUserPassword="legacy-password-1",
    StorageEncrypted=True,
    DBSubnetGroupName="legacy-db-subnets",
    VpcSecurityGroupIds=[old_app_group],
    BackupRetentionPeriod=1,
    PubliclyAccessible=False,
)
# The runbook's first step (docs/migrating.md): RDS takes over the master password (Secrets Manager).
rds.modify_db_instance(DBInstanceIdentifier=request["instance"], ManageMasterUserPassword=True, ApplyImmediately=True)
instance = rds.describe_db_instances(DBInstanceIdentifier=request["instance"])["DBInstances"][0]

s3 = client("s3")
for bucket in (request["mediaBucket"], request["staticBucket"]):
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
media_object = s3.put_object(Bucket=request["mediaBucket"], Key="avatars/1.png", Body=b"a user's avatar, uploaded before the move")


def issued_certificate(names, at):
    """A self-signed certificate imported into ACM: ISSUED at once (a requested one waits for DNS validation)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=200))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return client("acm", at).import_certificate(
        Certificate=cert.public_bytes(serialization.Encoding.PEM),
        PrivateKey=key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()),
    )["CertificateArn"]


# What the moved Copilot service referenced: an alarm of its own that rolled deployments back
# (deployment.rollback_alarms), and a Secrets Manager secret read by name (secretsmanager: <name>).
client("cloudwatch").put_metric_alarm(
    AlarmName=request["rollbackAlarm"], Namespace="Legacy/Payments", MetricName="Errors", Statistic="Sum",
    Period=60, EvaluationPeriods=1, Threshold=5, ComparisonOperator="GreaterThanThreshold",
)
stripe = client("secretsmanager").create_secret(Name=request["secretName"], SecretString='{"api_key": "sk_test_moved"}')

json.dump(
    {
        "secretArn": stripe["ARN"],
        "vpcId": vpc,
        "publicSubnetIds": public,
        "privateSubnetIds": private,
        "natGatewayId": nat,
        "oldAppSecurityGroupId": old_app_group,
        "instanceArn": instance["DBInstanceArn"],
        "instanceEndpoint": instance["Endpoint"]["Address"],
        "instanceResourceId": instance["DbiResourceId"],
        "mediaObjectETag": media_object["ETag"],
        "loadBalancerCertificateArn": issued_certificate(request["loadBalancerNames"], region),
        "cdnCertificateArn": issued_certificate([request["cdnName"]], "us-east-1"),
        "createdAt": time.time(),
    },
    sys.stdout,
)
