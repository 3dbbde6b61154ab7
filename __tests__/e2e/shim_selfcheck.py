"""
Self-check of the moto shims 4, 8-11 and 20 of moto_launcher.py, through boto3 against a running
launcher. Starts nothing itself:

    python3 __tests__/e2e/moto_launcher.py -H 127.0.0.1 -p 5055 &   # with MOTO_ENV of src/ops/sandbox.ts
    python3 __tests__/e2e/shim_selfcheck.py http://127.0.0.1:5055

Prints one line per check and exits 1 if any failed. Creates its own resources (names prefixed
`selfcheck-`), so it can run against a fresh emulator only once per shim-8/11 name; test harness only.
"""

import json
import sys
import time
import urllib.request
from typing import Any
from urllib.parse import urlparse

import boto3
from botocore.exceptions import ClientError

REGION = "eu-west-1"
failures: list[str] = []


def check(ok: bool, what: str, detail: Any = "") -> None:
    print(f"{'ok  ' if ok else 'FAIL'} {what}" + ("" if ok or detail == "" else f": {detail}"))
    if not ok:
        failures.append(what)


def error_code(call) -> str:  # type: ignore[no-untyped-def]
    try:
        call()
    except ClientError as e:
        return e.response["Error"]["Code"]
    return "no error"


def control(endpoint: str, method: str, path: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{endpoint}{path}", data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def client(endpoint: str, service: str, region: str = REGION):  # type: ignore[no-untyped-def]
    return boto3.client(
        service, endpoint_url=endpoint, region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing"
    )


# --- 4 and 8: CloudFront policy stores -------------------------------------------------------------
def check_cloudfront_policies(endpoint: str) -> None:
    cf = client(endpoint, "cloudfront", "us-east-1")
    cache_config = {
        "Name": "selfcheck-cache",
        "Comment": "c1",
        "DefaultTTL": 86400,
        "MaxTTL": 31536000,
        "MinTTL": 1,
        "ParametersInCacheKeyAndForwardedToOrigin": {
            "EnableAcceptEncodingGzip": True,
            "EnableAcceptEncodingBrotli": True,
            "HeadersConfig": {"HeaderBehavior": "none"},
            "CookiesConfig": {"CookieBehavior": "none"},
            "QueryStringsConfig": {"QueryStringBehavior": "whitelist", "QueryStrings": {"Quantity": 1, "Items": ["v"]}},
        },
    }
    created = cf.create_cache_policy(CachePolicyConfig=cache_config)
    policy_id, etag = created["CachePolicy"]["Id"], created["ETag"]
    check(created["CachePolicy"]["CachePolicyConfig"] == cache_config, "8: CreateCachePolicy returns the config as sent")
    got = cf.get_cache_policy(Id=policy_id)
    check(got["CachePolicy"]["CachePolicyConfig"] == cache_config and got["ETag"] == etag, "8: GetCachePolicy")
    check(cf.get_cache_policy_config(Id=policy_id)["CachePolicyConfig"] == cache_config, "8: GetCachePolicyConfig")
    check(error_code(lambda: cf.create_cache_policy(CachePolicyConfig=cache_config)) == "CachePolicyAlreadyExists", "8: same name -> CachePolicyAlreadyExists")
    updated = cf.update_cache_policy(Id=policy_id, IfMatch=etag, CachePolicyConfig={**cache_config, "Comment": "c2", "DefaultTTL": 60})
    check(updated["CachePolicy"]["CachePolicyConfig"]["Comment"] == "c2" and updated["ETag"] != etag, "8: UpdateCachePolicy with If-Match")
    check(error_code(lambda: cf.update_cache_policy(Id=policy_id, IfMatch=etag, CachePolicyConfig=cache_config)) == "PreconditionFailed", "8: stale If-Match -> PreconditionFailed")
    custom = cf.list_cache_policies(Type="custom")["CachePolicyList"]
    check([i["CachePolicy"]["Id"] for i in custom.get("Items", [])] == [policy_id] and custom["Quantity"] == 1, "8: ListCachePolicies Type=custom", custom)
    managed = cf.list_cache_policies(Type="managed")["CachePolicyList"]
    check(managed["Quantity"] == 0 and not managed.get("Items"), "8: ListCachePolicies Type=managed is empty", managed)
    check(cf.list_cache_policies()["CachePolicyList"]["Quantity"] == 1, "8: ListCachePolicies without Type")
    cf.delete_cache_policy(Id=policy_id, IfMatch=updated["ETag"])
    check(error_code(lambda: cf.get_cache_policy(Id=policy_id)) == "NoSuchCachePolicy", "8: deleted -> NoSuchCachePolicy")

    headers_config = {
        "Name": "selfcheck-headers",
        "Comment": "h1",
        "SecurityHeadersConfig": {"FrameOptions": {"Override": True, "FrameOption": "DENY"}},
    }
    created = cf.create_response_headers_policy(ResponseHeadersPolicyConfig=headers_config)
    policy_id, etag = created["ResponseHeadersPolicy"]["Id"], created["ETag"]
    check(cf.get_response_headers_policy(Id=policy_id)["ResponseHeadersPolicy"]["ResponseHeadersPolicyConfig"] == headers_config, "4: response headers policy still round-trips")
    check(cf.get_response_headers_policy_config(Id=policy_id)["ResponseHeadersPolicyConfig"] == headers_config, "4: GetResponseHeadersPolicyConfig")
    listed = cf.list_response_headers_policies()["ResponseHeadersPolicyList"]
    check(listed["Quantity"] == 1 and listed["Items"][0]["Type"] == "custom", "4: ListResponseHeadersPolicies")
    updated = cf.update_response_headers_policy(Id=policy_id, IfMatch=etag, ResponseHeadersPolicyConfig={**headers_config, "Comment": "h2"})
    check(updated["ResponseHeadersPolicy"]["ResponseHeadersPolicyConfig"]["Comment"] == "h2", "4: UpdateResponseHeadersPolicy")
    cf.delete_response_headers_policy(Id=policy_id, IfMatch=updated["ETag"])
    check(error_code(lambda: cf.get_response_headers_policy(Id=policy_id)) == "NoSuchResponseHeadersPolicy", "4: deleted -> NoSuchResponseHeadersPolicy")


# --- 9 and 10: ECS -----------------------------------------------------------------------------------
def network(endpoint: str) -> tuple[str, str]:
    ec2 = client(endpoint, "ec2")
    vpc = ec2.create_vpc(CidrBlock="10.99.0.0/16")["Vpc"]["VpcId"]
    # As the network module does; moto's awsvpc RunTask also needs it (it reads the ENI's private DNS name).
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.99.1.0/24", AvailabilityZone=f"{REGION}a")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(VpcId=vpc, GroupName="selfcheck-tasks", Description="selfcheck")["GroupId"]
    return subnet, sg


def register(ecs, family: str, image: str, command: list[str]) -> str:  # type: ignore[no-untyped-def]
    return ecs.register_task_definition(
        family=family,
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": image, "essential": True, "command": command}],
    )["taskDefinition"]["taskDefinitionArn"]


def wait_stopped(ecs, cluster: str, arn: str, seconds: float) -> tuple[dict, list[str]]:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    deadline = time.monotonic() + seconds
    while True:
        task = ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"][0]
        if not seen or seen[-1] != task["lastStatus"]:
            seen.append(task["lastStatus"])
        if task["lastStatus"] == "STOPPED" or time.monotonic() > deadline:
            return task, seen
        time.sleep(0.1)


def check_ecs_tasks(endpoint: str, subnet: str, sg: str) -> None:
    ecs = client(endpoint, "ecs")
    cluster = "selfcheck-cluster"
    ecs.create_cluster(clusterName=cluster)
    family = "webapp-staging-task"
    td1 = register(ecs, family, "app:1", ["gunicorn"])
    td2 = register(ecs, family, "app:2", ["gunicorn"])
    net = {"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [sg], "assignPublicIp": "DISABLED"}}

    def run(command: list[str], started_by: str, task_definition: str = family) -> dict:
        return ecs.run_task(
            cluster=cluster,
            taskDefinition=task_definition,
            launchType="FARGATE",
            startedBy=started_by,
            networkConfiguration=net,
            overrides={"containerOverrides": [{"name": "app", "command": command}]},
        )["tasks"][0]

    control(endpoint, "DELETE", "/moto-shim/ecs/run-task-calls")
    rules = {
        "rules": [
            {"match": {"family": family, "commandContains": "migrate", "startedBy": "release"}, "exitCode": 1, "afterSeconds": 1},
            {"match": {"commandContains": "pull-fail"}, "exitCode": None, "afterSeconds": 1},
            {"match": {"startedBy": "long"}, "exitCode": 0, "afterSeconds": 60},
        ]
    }
    check(control(endpoint, "POST", "/moto-shim/ecs/task-outcomes", rules) == rules, "9: POST task-outcomes echoes the rules")
    check(control(endpoint, "GET", "/moto-shim/ecs/task-outcomes") == rules, "9: GET task-outcomes")
    try:
        control(endpoint, "POST", "/moto-shim/ecs/task-outcomes", {"rules": [{"match": {"image": "x"}}]})
        check(False, "9: unknown match field -> 400")
    except urllib.error.HTTPError as e:
        check(e.code == 400, "9: unknown match field -> 400", e.code)

    migrate = run(["python", "manage.py", "migrate"], "release")
    check(migrate["lastStatus"] == "PROVISIONING" and "exitCode" not in migrate["containers"][0], "9: RunTask answers PROVISIONING, no exit code yet", migrate["lastStatus"])
    failing = run(["pull-fail"], "release")
    default = run(["python", "manage.py", "check"], "release")
    long = run(["sleep", "3600"], "long")
    t0 = time.monotonic()

    task, seen = wait_stopped(ecs, cluster, migrate["taskArn"], 5)
    check(seen[-1] == "STOPPED" and "RUNNING" in seen, "9: chosen task goes ... RUNNING -> STOPPED", seen)
    check(task["containers"][0].get("exitCode") == 1, "9: exit code 1 as chosen", task["containers"][0])
    check(task.get("stopCode") == "EssentialContainerExited" and task.get("stoppedReason") == "Essential container in task exited", "9: stopCode/stoppedReason")
    check(task["desiredStatus"] == "STOPPED" and "stoppedAt" in task and "startedAt" in task, "9: desiredStatus STOPPED, startedAt/stoppedAt")
    check(task["taskDefinitionArn"] == td2, "9: family resolves to the latest revision", task["taskDefinitionArn"])

    task, seen = wait_stopped(ecs, cluster, failing["taskArn"], 5)
    check(seen[-1] == "STOPPED" and "RUNNING" not in seen, "9: exitCode null never runs", seen)
    check("exitCode" not in task["containers"][0] and task.get("stopCode") == "TaskFailedToStart", "9: exitCode null -> no exit code, TaskFailedToStart", task["containers"][0])
    check(task.get("stoppedReason", "").startswith("CannotPullContainerError:"), "9: CannotPullContainerError reason", task.get("stoppedReason"))

    task, seen = wait_stopped(ecs, cluster, default["taskArn"], 5)
    took = time.monotonic() - t0
    check(task["containers"][0].get("exitCode") == 0 and 1.5 <= took <= 4, "9: no matching rule -> exit code 0 after ~2 s", f"{took:.1f}s {task['containers'][0]}")

    running = ecs.list_tasks(cluster=cluster, desiredStatus="RUNNING")["taskArns"]
    stopped = ecs.list_tasks(cluster=cluster, desiredStatus="STOPPED")["taskArns"]
    check(running == [long["taskArn"]], "9: ListTasks desiredStatus=RUNNING", running)
    check(sorted(stopped) == sorted([migrate["taskArn"], failing["taskArn"], default["taskArn"]]), "9: ListTasks desiredStatus=STOPPED", stopped)
    ecs.stop_task(cluster=cluster, task=long["taskArn"], reason="selfcheck")
    task = ecs.describe_tasks(cluster=cluster, tasks=[long["taskArn"]])["tasks"][0]
    check(task["lastStatus"] == "STOPPED" and task.get("stopCode") == "UserInitiated" and task.get("stoppedReason") == "selfcheck", "9: StopTask stops it", task.get("stopCode"))
    ecs.stop_task(cluster=cluster, task=migrate["taskArn"], reason="too late")
    task = ecs.describe_tasks(cluster=cluster, tasks=[migrate["taskArn"]])["tasks"][0]
    check(task.get("stoppedReason") == "Essential container in task exited" and task["containers"][0].get("exitCode") == 1, "9: StopTask on a stopped task changes nothing")

    pinned = run(["python", "manage.py", "migrate"], "release", f"{family}:1")
    calls = control(endpoint, "GET", "/moto-shim/ecs/run-task-calls")["calls"]
    check(len(calls) == 5, "9: every RunTask recorded", len(calls))
    last = calls[-1]
    check(
        last["taskDefinition"] == f"{family}:1" and last["taskDefinitionArn"] == td1 and last["taskArns"] == [pinned["taskArn"]],
        "9: call keeps the task definition as sent and the resolved ARN",
        last,
    )
    check(
        last["overrides"]["containerOverrides"][0]["command"] == ["python", "manage.py", "migrate"]
        and last["startedBy"] == "release" and last["launchType"] == "FARGATE" and last["cluster"] == cluster
        and last["networkConfiguration"] == net and last["time"].endswith("Z"),
        "9: call keeps command, startedBy, launchType, cluster, network, time",
    )
    check(calls[0]["taskDefinitionArn"] == td2, "9: family-only call resolves to the latest revision")
    check(control(endpoint, "DELETE", "/moto-shim/ecs/task-outcomes") == {"rules": []}, "9: DELETE resets the rules")


def check_ecs_services(endpoint: str, subnet: str, sg: str) -> None:
    ecs = client(endpoint, "ecs")
    cluster, name = "selfcheck-services", "web"
    ecs.create_cluster(clusterName=cluster)
    td1 = register(ecs, "selfcheck-web", "web:1", ["gunicorn"])
    td2 = register(ecs, "selfcheck-web", "web:2", ["gunicorn"])
    td3 = register(ecs, "selfcheck-web", "web:3", ["gunicorn"])
    breaker = {"deploymentCircuitBreaker": {"enable": True, "rollback": True}, "maximumPercent": 200, "minimumHealthyPercent": 100}
    ecs.create_service(
        cluster=cluster,
        serviceName=name,
        taskDefinition=td1,
        desiredCount=2,
        launchType="FARGATE",
        deploymentConfiguration=breaker,
        networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [sg], "assignPublicIp": "DISABLED"}},
    )

    def describe() -> dict:
        return ecs.describe_services(cluster=cluster, services=[name])["services"][0]

    service = describe()
    deployments = service["deployments"]
    check(service["runningCount"] == 2 and service["pendingCount"] == 0, "10: runningCount follows desiredCount", (service["runningCount"], service["pendingCount"]))
    check(
        len(deployments) == 1 and deployments[0]["status"] == "PRIMARY" and deployments[0]["rolloutState"] == "COMPLETED"
        and deployments[0]["runningCount"] == 2 and deployments[0]["taskDefinition"] == td1,
        "10: one PRIMARY COMPLETED deployment",
        deployments,
    )
    check(service["events"] and service["events"][0]["message"] == f"(service {name}) has reached a steady state.", "10: steady-state event")
    check(service.get("deploymentConfiguration") == breaker, "5: deploymentConfiguration still kept as sent", service.get("deploymentConfiguration"))
    waiter = ecs.get_waiter("services_stable")
    waiter.wait(cluster=cluster, services=[name], WaiterConfig={"Delay": 1, "MaxAttempts": 3})
    check(True, "10: boto3 services_stable waiter passes after create")

    first_id = deployments[0]["id"]
    ecs.update_service(cluster=cluster, service=name, taskDefinition=td2)
    service = describe()
    deployments = service["deployments"]
    check(
        service["taskDefinition"] == td2 and len(deployments) == 1 and deployments[0]["taskDefinition"] == td2
        and deployments[0]["id"] != first_id and deployments[0]["rolloutState"] == "COMPLETED",
        "10: UpdateService with a new task definition replaces the PRIMARY deployment",
        deployments,
    )
    ecs.update_service(cluster=cluster, service=name, desiredCount=3)
    service = describe()
    check(service["runningCount"] == 3 and service["deployments"][0]["runningCount"] == 3, "10: desiredCount change followed")
    check(service.get("deploymentConfiguration") == breaker, "5: deploymentConfiguration kept after update")

    armed = control(endpoint, "POST", "/moto-shim/ecs/rollback-next", {"cluster": cluster, "service": name, "holdSeconds": 2})
    check(armed["armed"] == [{"cluster": cluster, "service": name, "holdSeconds": 2}], "10: rollback-next armed", armed)
    previous_id = service["deployments"][0]["id"]
    ecs.update_service(cluster=cluster, service=name, taskDefinition=td3)
    service = describe()
    deployments = service["deployments"]
    failed = [d for d in deployments if d.get("rolloutState") == "FAILED"]
    check(service["taskDefinition"] == td2, "10: rolled-back service keeps its previous task definition", service["taskDefinition"])
    check(
        len(deployments) == 2 and deployments[0]["status"] == "PRIMARY" and deployments[0]["taskDefinition"] == td2
        and len(failed) == 1 and failed[0]["taskDefinition"] == td3
        and failed[0]["rolloutStateReason"] == "ECS deployment circuit breaker: tasks failed to start.",
        "10: FAILED deployment listed next to the rollback",
        deployments,
    )
    messages = [e["message"] for e in service["events"][:2]]
    check(
        messages == [f"(service {name}) rolling back to deployment {previous_id}.", f"(service {name}) (deployment {failed[0]['id']}) deployment failed: tasks failed to start."],
        "10: rollback events",
        messages,
    )
    time.sleep(2.2)
    service = describe()
    check(
        len(service["deployments"]) == 1 and service["deployments"][0]["rolloutState"] == "COMPLETED" and service["deployments"][0]["taskDefinition"] == td2,
        "10: after holdSeconds only the rollback deployment, COMPLETED",
        service["deployments"],
    )
    waiter.wait(cluster=cluster, services=[name], WaiterConfig={"Delay": 1, "MaxAttempts": 3})
    ecs.update_service(cluster=cluster, service=name, taskDefinition=td3)
    check(describe()["taskDefinition"] == td3, "10: the next update is not rolled back")


# --- 11: ECR pull-through cache rules ----------------------------------------------------------------
def check_ecr_pull_through(endpoint: str) -> None:
    ecr = client(endpoint, "ecr")
    account = client(endpoint, "sts").get_caller_identity()["Account"]
    prefix = "selfcheck-pub"
    created = ecr.create_pull_through_cache_rule(ecrRepositoryPrefix=prefix, upstreamRegistryUrl="public.ecr.aws")
    check(
        created["ecrRepositoryPrefix"] == prefix and created["upstreamRegistryUrl"] == "public.ecr.aws"
        and created["registryId"] == account and "createdAt" in created and created.get("upstreamRegistry") == "ecr-public",
        "11: CreatePullThroughCacheRule",
        created,
    )
    check(
        error_code(lambda: ecr.create_pull_through_cache_rule(ecrRepositoryPrefix=prefix, upstreamRegistryUrl="public.ecr.aws"))
        == "PullThroughCacheRuleAlreadyExistsException",
        "11: same prefix -> PullThroughCacheRuleAlreadyExistsException",
    )
    ecr.create_pull_through_cache_rule(ecrRepositoryPrefix="selfcheck-quay", upstreamRegistryUrl="quay.io")
    rules = ecr.describe_pull_through_cache_rules(ecrRepositoryPrefixes=[prefix])["pullThroughCacheRules"]
    check(len(rules) == 1 and rules[0]["ecrRepositoryPrefix"] == prefix and "updatedAt" in rules[0], "11: Describe filtered by prefix", rules)
    all_rules = ecr.describe_pull_through_cache_rules(registryId=account)["pullThroughCacheRules"]
    check(sorted(r["ecrRepositoryPrefix"] for r in all_rules) == [prefix, "selfcheck-quay"], "11: Describe by registryId lists all")
    check(ecr.describe_pull_through_cache_rules(registryId="000000000000")["pullThroughCacheRules"] == [], "11: another registry has none")
    check(
        error_code(lambda: ecr.describe_pull_through_cache_rules(ecrRepositoryPrefixes=["nope"])) == "PullThroughCacheRuleNotFoundException",
        "11: unknown prefix -> PullThroughCacheRuleNotFoundException",
    )
    role = f"arn:aws:iam::{account}:role/selfcheck"
    updated = ecr.update_pull_through_cache_rule(ecrRepositoryPrefix=prefix, customRoleArn=role)
    check(updated["customRoleArn"] == role and "updatedAt" in updated, "11: UpdatePullThroughCacheRule", updated)
    check(ecr.describe_pull_through_cache_rules(ecrRepositoryPrefixes=[prefix])["pullThroughCacheRules"][0]["customRoleArn"] == role, "11: update stored")
    deleted = ecr.delete_pull_through_cache_rule(ecrRepositoryPrefix=prefix)
    check(deleted["ecrRepositoryPrefix"] == prefix, "11: DeletePullThroughCacheRule")
    check(
        error_code(lambda: ecr.delete_pull_through_cache_rule(ecrRepositoryPrefix=prefix)) == "PullThroughCacheRuleNotFoundException",
        "11: deleted -> PullThroughCacheRuleNotFoundException",
    )
    ecr.delete_pull_through_cache_rule(ecrRepositoryPrefix="selfcheck-quay")


# --- 20: a retried request gets the answer of its earlier attempt ---------------------------------
def check_retry_replay(endpoint: str) -> None:
    ec2 = boto3.client("ec2", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    vpc = ec2.create_vpc(CidrBlock="10.99.0.0/16")["Vpc"]["VpcId"]
    body = f"Action=CreateSubnet&Version=2016-11-15&VpcId={vpc}&CidrBlock=10.99.1.0/24".encode()

    def send(attempt: int, invocation: str) -> int:
        request = urllib.request.Request(f"{endpoint}/", data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "amz-sdk-invocation-id": invocation,
            "amz-sdk-request": f"attempt={attempt}; max=3", "X-Amz-Date": "20261203T000000Z",
            "Authorization": "AWS4-HMAC-SHA256 Credential=x/20261203/eu-west-1/ec2/aws4_request, SignedHeaders=host, Signature=0",
        })
        try:
            return urllib.request.urlopen(request).status
        except urllib.error.HTTPError as e:
            return e.code

    codes = [send(1, "selfcheck-1"), send(2, "selfcheck-1"), send(1, "selfcheck-2")]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    check(codes == [200, 200, 400] and len(subnets) == 1, "20: a retry is answered as its first attempt was; a new create of the same CIDR still conflicts", (codes, len(subnets)))


def main() -> int:
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} http://127.0.0.1:<port>")
    endpoint = sys.argv[1].rstrip("/")
    if urlparse(endpoint).hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"refusing to run: {endpoint} is not a loopback address")
    check_cloudfront_policies(endpoint)
    subnet, sg = network(endpoint)
    check_ecs_tasks(endpoint, subnet, sg)
    check_ecs_services(endpoint, subnet, sg)
    check_ecr_pull_through(endpoint)
    check_retry_replay(endpoint)
    print(f"{len(failures)} check(s) failed: {', '.join(failures)}" if failures else "all shim checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
