"""
Starts moto's server (same arguments as `moto_server`, e.g. `-H 127.0.0.1 -p 5000`) after patching
the few gaps of moto 5.2 that the webapp stacks run into. Test harness only: nothing here changes
what the stacks synthesize; it makes the emulator answer like AWS for the calls the AWS provider
makes. Each shim is small, in memory, and documented in docs/testing.md ("How it is tested").

  1. Application Auto Scaling tags: moto has no ListTagsForResource / TagResource / UntagResource and
     ignores RegisterScalableTarget's Tags. The provider reads tags after every create, so without
     this it fails (after AWS_MAX_ATTEMPTS retries). Tags are kept per scalable-target ARN.
  2. ElastiCache replication-group member clusters: moto lists MemberClusters (`<group>-001`, ...)
     but DescribeCacheClusters does not know them; the provider reads the first member to fill
     engine version, security groups and encryption flags. Answered from the group's own settings.
  3. CloudFront origin access control on origins: moto drops `OriginAccessControlId` from every
     origin of a distribution. Kept as sent.
  4. CloudFront response headers policies: not implemented in moto. Create / Get / GetConfig /
     Update / Delete / List, storing the policy config exactly as the provider sent it (one generic
     policy store, shared with 8; List with Type=managed is empty: no AWS-managed policy is emulated).
  5. ECS CreateService: moto drops capacityProviderStrategy, enableECSManagedTags,
     enableExecuteCommand, healthCheckGracePeriodSeconds, deploymentConfiguration and
     availabilityZoneRebalancing, and reports launchType EC2 when a capacity provider strategy was
     given. Without this every later plan would replace both services. Kept as sent.
  6. RDS DescribeDBParameters: moto omits `Source: user` on parameters set through
     ModifyDBParameterGroup, and the provider keeps only user-sourced parameters, so every plan
     would re-add them. Modified parameters are marked as user-sourced, as AWS does.
  7. EC2 security group rules that reference another group: moto returns no Description for them
     (it only reads descriptions of CIDR rules). The description sent is returned.
  8. CloudFront cache policies: not implemented in moto. The store of 4 under /cache-policy.
  9. ECS one-off tasks: RunTask fails (500) when a container has no memory of its own (Fargate:
     task-level memory only), and its tasks start RUNNING with exit code 0, then step to STOPPED one
     DescribeTasks call at a time with desiredStatus RUNNING and no stopCode. Tasks started by
     RunTask go PROVISIONING, PENDING, RUNNING (half-way), STOPPED after MOTO_SHIM_ECS_TASK_SECONDS
     (default 2) with stopCode EssentialContainerExited and the exit code the test chose, or (exit
     code null) stay PENDING and stop with TaskFailedToStart / CannotPullContainerError and no exit
     code. StopTask stops them at once (UserInitiated, 143 once running). The test sets the outcomes
     (POST/DELETE/GET /moto-shim/ecs/task-outcomes, {"rules": [{"match": {...}, "exitCode",
     "afterSeconds"}]}, first match wins; match on cluster, family, revision, startedBy,
     commandContains) and reads every RunTask request back (GET/DELETE /moto-shim/ecs/run-task-calls).
 10. ECS services: moto never starts a service's tasks (runningCount 0, deployment IN_PROGRESS), so
     `wait_for_steady_state` waits forever, and UpdateService leaves the deployment on the old task
     definition. runningCount follows desiredCount, a create or a new task definition (or
     forceNewDeployment) leaves one PRIMARY COMPLETED deployment, with AWS's service events. POST
     /moto-shim/ecs/rollback-next {"cluster", "service", "holdSeconds"?} makes the next UpdateService
     of that service with a new task definition roll back like the deployment circuit breaker: the
     service keeps its previous task definition, a rollback deployment (PRIMARY, IN_PROGRESS) and the
     failed one (ACTIVE, FAILED, "ECS deployment circuit breaker: tasks failed to start.") are listed
     for holdSeconds (default MOTO_SHIM_ECS_ROLLBACK_SECONDS, 10), then only the rollback, COMPLETED.
 11. ECR pull-through cache rules: not implemented in moto. Create / Describe / Update / Delete,
     stored as sent, per region and registry (default: the account).
 13. ElastiCache replication groups (cluster mode disabled) created with NumCacheClusters=2+ get a
     single member: moto counts replicas only from ReplicasPerNodeGroup. The members follow
     NumCacheClusters, as in AWS (prod's primary and replica).
 14. SQS GetQueueAttributes: moto serializes RedrivePolicy with spaces after separators; AWS returns
     it compact, and the provider plans an update for the difference on every plan. Compact, as AWS.
 15. Bucket policies on object requests: moto evaluates only StringEquals conditions and treats
     any other condition as matching, so the stacks' TLS-only statement (Deny s3:* when
     `Bool aws:SecureTransport` is false) refuses every object request, the S3 backend's own state
     reads included. Requests to AWS use TLS, where that statement never applies: it is left out of
     the evaluation (only that exact condition; every other statement is evaluated as before).
 16. CloudFront distribution ARNs: moto writes `arn:aws:cloudfront:<account>:distribution/<id>`,
     without the empty region field of AWS's `arn:aws:cloudfront::<account>:distribution/<id>`, and
     the provider refuses it as an ARN where one is validated (the access-log delivery source of
     CloudFront standard logging v2). The ARN is written as AWS does.
 17. RDS ModifyDBInstance with ManageMasterUserPassword=true on an instance whose master password
     RDS already manages: moto creates a new master secret (a new ARN) each time; AWS keeps the one
     it has (the flag only turns management on). The provider sends it when it adopts an imported
     instance, and the changed ARN breaks the apply of everything that references the secret. An
     already-managed instance keeps its secret.
 18. One request at a time: moto's server answers each request on its own thread, and its backends
     are not thread-safe (getmoto/moto#372): under a Terraform apply with many requests in flight a
     describe iterating a backend's dict while a create adds to it fails with a 500, the provider's
     SDK retries a create that had gone through, and the apply stops on a duplicate
     (InvalidPermission.Duplicate, InvalidGroup.Duplicate, InvalidSubnet.Conflict, seen in CI).
     Requests are handled one after the other under one lock (the GIL let only one run at a time
     anyway); nothing the stacks or the scripts call waits inside a request (no SQS long polling).
 20. Retries: a request the SDK sends again (amz-sdk-request: attempt=2 or more, the same
     amz-sdk-invocation-id) after the emulator already answered an earlier attempt with a 2xx gets
     that answer again instead of being run a second time: the SDK retries only when the first
     answer did not reach it, and a create run twice fails as a duplicate (InvalidSubnet.Conflict
     in CI with 18 in place and no 500 in the emulator's log; green CI runs logged six to eight
     retries of requests already answered 200, CreateService and PutTargets among them; why the answers were lost is not known). AWS would run the retry again, but a lost answer is the emulator's transport, not what
     the stacks do. Every failed or retried request is logged with its action and error code
     ([shim 20] lines in the emulator's log; moto's own request log says only "POST / 400").
 21. CloudWatch DescribeAlarms: with AlarmNamePrefix (or ActionPrefix, AlarmNames) moto ignores
     StateValue (one filter of an elif chain); AWS applies them together. `npm run status` asks
     for the environment's alarms in ALARM and got every alarm. StateValue is applied as well.
 19. Amazon SES v2 (the email section): Easy DKIM tokens, MAIL FROM attributes, configuration set
     event destinations, account suppression attributes and GetAccount, SendingOptions as sent.
     In moto_ses.py, with the details.
 12. Application Auto Scaling: RegisterScalableTarget for an ECS service does not bring the
     service's desiredCount inside the new bounds, as AWS does (a target whose minimum rises from 0
     to 1 scales the service out to 1). The desired count of the service is clamped to
     [MinCapacity, MaxCapacity] when a target is registered or updated.

Control endpoints (/moto-shim/..., JSON) answer loopback clients only.
"""

import ipaddress
import json
import os
import re
import sys
import threading
import time
import uuid
from datetime import datetime, timezone
from types import SimpleNamespace
from typing import Any, Callable

import moto
from moto.server import main as moto_server_main

from moto_ses import patch_sesv2

_lock = threading.Lock()


# --- 1. Application Auto Scaling tags -------------------------------------------------------------
def patch_appautoscaling_tags() -> None:
    from moto.applicationautoscaling import responses as aas

    tags_by_arn: dict[str, dict[str, str]] = {}
    cls = aas.ApplicationAutoScalingResponse
    original_register = cls.register_scalable_target

    def register_scalable_target(self):  # type: ignore[no-untyped-def]
        body = original_register(self)
        tags = self._get_param("Tags") or {}
        if tags:
            arn = json.loads(body)["ScalableTargetARN"]
            with _lock:
                tags_by_arn.setdefault(arn, {}).update(tags)
        return body

    def list_tags_for_resource(self):  # type: ignore[no-untyped-def]
        arn = self._get_param("ResourceARN")
        with _lock:
            return json.dumps({"Tags": dict(tags_by_arn.get(arn, {}))})

    def tag_resource(self):  # type: ignore[no-untyped-def]
        arn = self._get_param("ResourceARN")
        with _lock:
            tags_by_arn.setdefault(arn, {}).update(self._get_param("Tags") or {})
        return json.dumps({})

    def untag_resource(self):  # type: ignore[no-untyped-def]
        arn = self._get_param("ResourceARN")
        with _lock:
            for key in self._get_param("TagKeys") or []:
                tags_by_arn.get(arn, {}).pop(key, None)
        return json.dumps({})

    cls.register_scalable_target = register_scalable_target
    cls.list_tags_for_resource = list_tags_for_resource
    cls.tag_resource = tag_resource
    cls.untag_resource = untag_resource


# --- 2. ElastiCache member clusters ---------------------------------------------------------------
def patch_elasticache_member_clusters() -> None:
    from moto.elasticache.exceptions import CacheClusterNotFound
    from moto.elasticache.models import ElastiCacheBackend

    original = ElastiCacheBackend.describe_cache_clusters

    def member_cluster(backend, group, cluster_id):  # type: ignore[no-untyped-def]
        members = [m for ng in group.node_groups for m in ng["node_group_members"]]
        member = next((m for m in members if m.get("cache_cluster_id") == cluster_id), {})
        major = (group.engine_version or "7").split(".")[0]
        return {
            "CacheClusterId": cluster_id,
            "ARN": f"arn:aws:elasticache:{backend.region_name}:{backend.account_id}:cluster:{cluster_id}",
            "ReplicationGroupId": group.replication_group_id,
            "CacheClusterStatus": "available",
            "CacheNodeType": group.cache_node_type,
            "Engine": group.engine,
            "EngineVersion": group.engine_version,
            "NumCacheNodes": 1,
            "PreferredAvailabilityZone": member.get("preferred_availability_zone"),
            "PreferredMaintenanceWindow": group.preferred_maintenance_window,
            "SnapshotWindow": group.snapshot_window,
            "SnapshotRetentionLimit": group.snapshot_retention_limit,
            "CacheSubnetGroupName": group.cache_subnet_group_name,
            "SecurityGroups": [{"SecurityGroupId": sg, "Status": "active"} for sg in group.security_group_ids or []],
            "CacheSecurityGroups": [],
            "CacheParameterGroup": {
                "CacheParameterGroupName": group.cache_parameter_group_name or f"default.{group.engine}{major}",
                "ParameterApplyStatus": "in-sync",
            },
            "AutoMinorVersionUpgrade": group.auto_minor_version_upgrade in (True, "true", "True", None),
            "AuthTokenEnabled": group.auth_token_enabled,
            "TransitEncryptionEnabled": group.transit_encryption_enabled,
            "TransitEncryptionMode": group.transit_encryption_mode,
            "AtRestEncryptionEnabled": group.at_rest_encryption_enabled,
            "NetworkType": group.network_type,
            "IpDiscovery": group.ip_discovery,
            "CacheClusterCreateTime": group.replication_group_create_time,
        }

    def describe_cache_clusters(self, cache_cluster_id=None):  # type: ignore[no-untyped-def]
        try:
            return original(self, cache_cluster_id=cache_cluster_id)
        except CacheClusterNotFound:
            for group in self.replication_groups.values():
                if cache_cluster_id in group.member_clusters:
                    return [member_cluster(self, group, cache_cluster_id)]
            raise

    ElastiCacheBackend.describe_cache_clusters = describe_cache_clusters


# --- 3. CloudFront origins keep their origin access control ---------------------------------------
def patch_cloudfront_origin_access_control() -> None:
    from moto.cloudfront import models as cf

    original_init = cf.Origin.__init__

    def init(self, origin):  # type: ignore[no-untyped-def]
        original_init(self, origin)
        self.origin_access_control_id = origin.get("OriginAccessControlId") or ""

    cf.Origin.__init__ = init


# --- 4. and 8. CloudFront response headers policies and cache policies ---------------------------
CF_NS = "http://cloudfront.amazonaws.com/doc/2020-05-31/"


def patch_cloudfront_policy_store(kind: str, element: str, noun: str) -> None:
    """One store per policy kind under /2020-05-31/<kind>: the config is kept exactly as sent.

    kind: URL segment (`response-headers-policy`); element: XML name (`ResponseHeadersPolicy`, whose
    config is `<element>Config`, list `<element>List`, summary `<element>Summary`, errors
    `NoSuch<element>` and `<element>AlreadyExists`); noun: for error messages.
    """
    from moto.cloudfront import urls

    policies: dict[str, dict[str, str]] = {}  # id -> {config, etag, modified}
    id_in_path = re.compile(rf"/{kind}/([^/?]+)")
    config_tag = f"{element}Config"

    def error(status: int, code: str, message: str):  # type: ignore[no-untyped-def]
        body = (
            f'<?xml version="1.0"?><ErrorResponse xmlns="{CF_NS}"><Error><Type>Sender</Type>'
            f"<Code>{code}</Code><Message>{message}</Message></Error><RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
        )
        return status, {"Content-Type": "text/xml"}, body

    def config_xml(request) -> str:  # type: ignore[no-untyped-def]
        text = request.get_data(as_text=True)
        text = re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", text)
        # Keep the config element exactly as sent, without a namespace of its own.
        return re.sub(rf"^<{config_tag}[^>]*>", f"<{config_tag}>", text)

    def policy_element(policy_id: str, policy: dict[str, str]) -> str:
        return (
            f"<{element}><Id>{policy_id}</Id><LastModifiedTime>{policy['modified']}</LastModifiedTime>"
            f"{policy['config']}</{element}>"
        )

    def policy_xml(policy_id: str, policy: dict[str, str]) -> str:
        return '<?xml version="1.0"?>' + policy_element(policy_id, policy).replace(f"<{element}>", f'<{element} xmlns="{CF_NS}">', 1)

    def name_of(config: str) -> str:
        m = re.search(r"<Name>([^<]*)</Name>", config)
        return m.group(1) if m else ""

    def handler(request, full_url, headers):  # type: ignore[no-untyped-def]
        m = id_in_path.search(request.path)
        policy_id = m.group(1) if m else None
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        with _lock:
            if policy_id is None and request.method == "POST":
                config = config_xml(request)
                if any(name_of(p["config"]) == name_of(config) for p in policies.values()):
                    return error(409, f"{element}AlreadyExists", "A policy with this name already exists")
                policy_id = str(uuid.uuid4())
                policies[policy_id] = {"config": config, "etag": uuid.uuid4().hex, "modified": now}
                p = policies[policy_id]
                location = f"https://cloudfront.amazonaws.com/2020-05-31/{kind}/{policy_id}"
                return 201, {"Content-Type": "text/xml", "ETag": p["etag"], "Location": location}, policy_xml(policy_id, p)
            if policy_id is None and request.method == "GET":
                # Every stored policy is custom: the AWS-managed ones are not emulated (Type=managed: none).
                listed = {} if request.args.get("Type") == "managed" else policies
                summaries = "".join(
                    f"<{element}Summary><Type>custom</Type>{policy_element(pid, p)}</{element}Summary>" for pid, p in listed.items()
                )
                body = (
                    f'<?xml version="1.0"?><{element}List xmlns="{CF_NS}"><MaxItems>100</MaxItems>'
                    f"<Quantity>{len(listed)}</Quantity><Items>{summaries}</Items></{element}List>"
                )
                return 200, {"Content-Type": "text/xml"}, body
            if policy_id not in policies:
                return error(404, f"NoSuch{element}", f"The {noun} does not exist.")
            p = policies[policy_id]
            if request.method == "GET":
                if request.path.rstrip("/").endswith("/config"):
                    namespaced = p["config"].replace(f"<{config_tag}>", f'<{config_tag} xmlns="{CF_NS}">', 1)
                    body = '<?xml version="1.0"?>' + namespaced
                    return 200, {"Content-Type": "text/xml", "ETag": p["etag"]}, body
                return 200, {"Content-Type": "text/xml", "ETag": p["etag"]}, policy_xml(policy_id, p)
            if request.headers.get("If-Match") not in (None, p["etag"]):
                return error(412, "PreconditionFailed", "The If-Match version is missing or not valid.")
            if request.method == "PUT":
                p.update(config=config_xml(request), etag=uuid.uuid4().hex, modified=now)
                return 200, {"Content-Type": "text/xml", "ETag": p["etag"]}, policy_xml(policy_id, p)
            if request.method == "DELETE":
                del policies[policy_id]
                return 204, {}, ""
        return error(400, "InvalidRequest", f"{request.method} is not supported here")

    urls.url_paths[f"{{0}}/2020-05-31/{kind}$"] = handler
    urls.url_paths[f"{{0}}/2020-05-31/{kind}/(?P<policy_id>[^/]+)$"] = handler
    urls.url_paths[f"{{0}}/2020-05-31/{kind}/(?P<policy_id>[^/]+)/config$"] = handler


def patch_cloudfront_response_headers_policies() -> None:
    patch_cloudfront_policy_store("response-headers-policy", "ResponseHeadersPolicy", "response headers policy")


def patch_cloudfront_cache_policies() -> None:
    patch_cloudfront_policy_store("cache-policy", "CachePolicy", "cache policy")


# --- 5. ECS services keep what CreateService was given -------------------------------------------
ECS_SERVICE_FIELDS = {
    "capacityProviderStrategy": "capacity_provider_strategy",
    "enableECSManagedTags": "enable_ecs_managed_tags",
    "enableExecuteCommand": "enable_execute_command",
    "healthCheckGracePeriodSeconds": "health_check_grace_period_seconds",
    "deploymentConfiguration": "deployment_configuration",
    "availabilityZoneRebalancing": "availability_zone_rebalancing",
}


def patch_ecs_service_fields() -> None:
    from moto.ecs.responses import EC2ContainerServiceResponse

    original = EC2ContainerServiceResponse.create_service

    def create_service(self):  # type: ignore[no-untyped-def]
        result = original(self)
        cluster = self.ecs_backend._get_cluster(self._get_param("cluster", "default"))
        service = self.ecs_backend.services[f"{cluster.name}:{self._get_param('serviceName')}"]
        for param, attribute in ECS_SERVICE_FIELDS.items():
            value = self._get_param(param)
            if value is not None:
                setattr(service, attribute, value)
        if self._get_param("capacityProviderStrategy") and not self._get_param("launchType"):
            service.launch_type = None
            for deployment in service.deployments:
                deployment["launchType"] = None
        return result

    EC2ContainerServiceResponse.create_service = create_service


# --- 6. RDS parameters set by the user are user-sourced ------------------------------------------
def patch_rds_user_parameters() -> None:
    from moto.rds.models import DBParameterGroup

    original = DBParameterGroup.update_parameters

    def update_parameters(self, new_parameters):  # type: ignore[no-untyped-def]
        original(self, [{**p, "Source": "user"} for p in new_parameters])

    DBParameterGroup.update_parameters = update_parameters


# --- 7. Descriptions of group-referencing security group rules -----------------------------------
def patch_security_group_rule_descriptions() -> None:
    from moto.ec2.models.security_groups import SecurityGroupRule

    SecurityGroupRule.description = property(  # type: ignore[assignment]
        lambda self: self.ip_range.get("Description") or self.source_group.get("Description")
    )



# --- Control endpoints of the test (shims 9 and 10) ----------------------------------------------
# JSON over HTTP on the emulator itself, under /moto-shim/, answered only to loopback clients.
# Handlers take the parsed JSON body and return (status, JSON-able body); ValueError -> 400.
SHIM_ROUTES: dict[tuple[str, str], Callable[[Any], tuple[int, Any]]] = {}


def patch_control_endpoints() -> None:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication
    from werkzeug.wrappers import Request, Response

    original_call = DomainDispatcherApplication.__call__

    def is_loopback(address: str | None) -> bool:
        try:
            ip = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        mapped = getattr(ip, "ipv4_mapped", None)
        return ip.is_loopback or bool(mapped and mapped.is_loopback)

    def answer(request) -> tuple[int, Any]:  # type: ignore[no-untyped-def]
        if not is_loopback(request.remote_addr):
            return 403, {"message": "the shim control endpoints answer loopback clients only"}
        route = SHIM_ROUTES.get((request.method, request.path.rstrip("/")))
        if route is None:
            return 404, {"message": f"no shim control endpoint {request.method} {request.path}"}
        try:
            payload = json.loads(request.get_data(as_text=True) or "null")
            return route(payload)
        except ValueError as e:  # json.JSONDecodeError included
            return 400, {"message": str(e)}

    def call(self, environ, start_response):  # type: ignore[no-untyped-def]
        if not environ.get("PATH_INFO", "").startswith("/moto-shim/"):
            return original_call(self, environ, start_response)
        status, body = answer(Request(environ))
        return Response(json.dumps(body, default=str), status=status, mimetype="application/json")(environ, start_response)

    DomainDispatcherApplication.__call__ = call


def iso_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --- 9. ECS one-off tasks stop, with the exit code the test chooses ------------------------------
ECS_TASK_MATCH_FIELDS = {"cluster", "family", "revision", "startedBy", "commandContains"}
ECS_TASK_SECONDS = float(os.environ.get("MOTO_SHIM_ECS_TASK_SECONDS", "2"))


def patch_ecs_one_off_tasks() -> None:
    from moto.core.utils import utcnow
    from moto.ecs.models import EC2ContainerServiceBackend, Task
    from moto.ecs.responses import EC2ContainerServiceResponse

    rules: list[dict[str, Any]] = []  # as posted; the first match decides
    calls: list[dict[str, Any]] = []  # every RunTask request, in order

    def checked_rules(payload: Any) -> list[dict[str, Any]]:
        if not isinstance(payload, dict) or not isinstance(payload.get("rules"), list):
            raise ValueError('expected {"rules": [{"match": {...}, "exitCode": 0, "afterSeconds": 2}, ...]}')
        for rule in payload["rules"]:
            match = rule.get("match", {}) if isinstance(rule, dict) else None
            if not isinstance(match, dict) or set(match) - ECS_TASK_MATCH_FIELDS or set(rule) - {"match", "exitCode", "afterSeconds"}:
                raise ValueError(f"bad rule {rule!r}: keys match/exitCode/afterSeconds, match fields {sorted(ECS_TASK_MATCH_FIELDS)}")
            code, after = rule.get("exitCode", 0), rule.get("afterSeconds", 0)
            if any(type(v) not in (str, int) for v in match.values()):
                raise ValueError(f"bad rule {rule!r}: match values are strings (revision: a number)")
            if (code is not None and type(code) is not int) or type(after) not in (int, float) or after < 0:
                raise ValueError(f"bad rule {rule!r}: exitCode is an integer or null, afterSeconds a number >= 0")
        return payload["rules"]

    def set_rules(payload: Any) -> tuple[int, Any]:
        new_rules = checked_rules(payload)
        with _lock:
            rules[:] = new_rules
            return 200, {"rules": list(rules)}

    def reset_rules(_: Any) -> tuple[int, Any]:
        with _lock:
            rules.clear()
        return 200, {"rules": []}

    def get_rules(_: Any) -> tuple[int, Any]:
        with _lock:
            return 200, {"rules": list(rules)}

    def get_calls(_: Any) -> tuple[int, Any]:
        with _lock:
            return 200, {"calls": list(calls)}

    def reset_calls(_: Any) -> tuple[int, Any]:
        with _lock:
            calls.clear()
        return 200, {"calls": []}

    SHIM_ROUTES[("POST", "/moto-shim/ecs/task-outcomes")] = set_rules
    SHIM_ROUTES[("DELETE", "/moto-shim/ecs/task-outcomes")] = reset_rules
    SHIM_ROUTES[("GET", "/moto-shim/ecs/task-outcomes")] = get_rules
    SHIM_ROUTES[("GET", "/moto-shim/ecs/run-task-calls")] = get_calls
    SHIM_ROUTES[("DELETE", "/moto-shim/ecs/run-task-calls")] = reset_calls

    def command_of(task, task_definition) -> str:  # type: ignore[no-untyped-def]
        overridden = [o["command"] for o in task.overrides.get("containerOverrides") or [] if o.get("command")]
        defined = [c["command"] for c in task_definition.container_definitions if c.get("command")]
        return " ".join(" ".join(command) for command in overridden or defined)

    def plan_for(task, task_definition, cluster_arn: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        facts = {
            "cluster": (task.cluster_name, cluster_arn),
            "family": (task_definition.family,),
            "revision": (task_definition.revision, str(task_definition.revision)),
            "startedBy": (task.started_by,),
        }
        command = command_of(task, task_definition)
        code, after = 0, ECS_TASK_SECONDS
        for rule in rules:
            match = rule.get("match") or {}
            if all(command.find(v) >= 0 if k == "commandContains" else v in facts[k] for k, v in match.items()):
                code, after = rule.get("exitCode", 0), rule.get("afterSeconds", ECS_TASK_SECONDS)
                break
        return {"t0": time.monotonic(), "after": float(after), "exit_code": code, "status": "PROVISIONING", "final": False}

    def stop(task, plan: dict[str, Any], stop_code: str, reason: str, exit_code: int | None) -> None:  # type: ignore[no-untyped-def]
        now = utcnow()
        plan.update(status="STOPPED", final=True, reason=reason)
        task.desired_status = "STOPPED"
        task.stop_code, task.stopped_reason = stop_code, reason
        task.stopping_at = task.execution_stopped_at = task.stopped_at = now
        for container in task.containers:
            container.last_status, container.exitCode = "STOPPED", exit_code
            if stop_code == "TaskFailedToStart":
                container.reason = reason

    def settle(task) -> None:  # type: ignore[no-untyped-def]
        """Moves a planned task along its schedule: PROVISIONING, PENDING, RUNNING, then STOPPED."""
        plan = getattr(task, "_shim_plan", None)
        if plan is None or plan["final"]:
            return
        elapsed, after, code = time.monotonic() - plan["t0"], plan["after"], plan["exit_code"]
        if elapsed >= after and code is None:
            image = task.containers[0].image if task.containers else "image"
            reason = f"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref {image}: not found"
            stop(task, plan, "TaskFailedToStart", reason, None)
        elif elapsed >= after:
            stop(task, plan, "EssentialContainerExited", "Essential container in task exited", code)
        elif elapsed >= after / 2 and code is not None and plan["status"] != "RUNNING":
            plan["status"] = "RUNNING"
            task.pull_started_at = task.pull_stopped_at = task.started_at = utcnow()
            for container in task.containers:
                container.last_status = "RUNNING"
        elif elapsed >= after / 4 and plan["status"] == "PROVISIONING":
            plan["status"] = "PENDING"

    def settle_all(backend) -> None:  # type: ignore[no-untyped-def]
        with _lock:
            for cluster_tasks in list(backend.tasks.values()):  # RunTask may add tasks meanwhile
                for task in list(cluster_tasks.values()):
                    settle(task)

    # Planned tasks report the plan's status; the others keep moto's managed state.
    original_last_status = Task.last_status

    def get_last_status(self):  # type: ignore[no-untyped-def]
        plan = getattr(self, "_shim_plan", None)
        return plan["status"] if plan is not None else original_last_status.fget(self)

    def set_last_status(self, value):  # type: ignore[no-untyped-def]
        plan = getattr(self, "_shim_plan", None)
        if plan is not None:
            plan["status"] = value
        else:
            original_last_status.fset(self, value)

    Task.last_status = property(get_last_status, set_last_status)  # type: ignore[assignment]

    # moto adds up container-level memory, which Fargate containers need not have (500 on RunTask).
    original_requirements = EC2ContainerServiceBackend._calculate_task_resource_requirements

    def requirements(task_definition):  # type: ignore[no-untyped-def]
        keys = ("memory", "memoryReservation", "Memory", "MemoryReservation")
        defs = [c if any(c.get(k) is not None for k in keys) else {**c, "memory": 0} for c in task_definition.container_definitions]
        return original_requirements(SimpleNamespace(container_definitions=defs))

    EC2ContainerServiceBackend._calculate_task_resource_requirements = staticmethod(requirements)
    original_run_task = EC2ContainerServiceBackend.run_task

    def run_task(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        tasks = original_run_task(self, *args, **kwargs)
        with _lock:
            for task in tasks:
                if task.group.startswith("service:"):
                    continue
                task_definition = self.describe_task_definition(task.task_definition_arn)
                task._shim_plan = plan_for(task, task_definition, task.cluster_arn)
                task.created_at = utcnow()
                task.desired_status = "RUNNING"
                for container in task.containers:
                    container.last_status, container.exitCode = "PENDING", None
                settle(task)
        return tasks

    original_describe_tasks = EC2ContainerServiceBackend.describe_tasks

    def describe_tasks(self, cluster_str, tasks):  # type: ignore[no-untyped-def]
        settle_all(self)
        return original_describe_tasks(self, cluster_str, tasks)

    original_list_tasks = EC2ContainerServiceBackend.list_tasks

    def list_tasks(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        settle_all(self)
        return original_list_tasks(self, *args, **kwargs)

    original_stop_task = EC2ContainerServiceBackend.stop_task

    def stop_task(self, cluster_str, task_str, reason):  # type: ignore[no-untyped-def]
        settle_all(self)
        task = original_stop_task(self, cluster_str, task_str, reason)
        with _lock:
            plan = getattr(task, "_shim_plan", None)
            if plan is not None and plan["final"]:  # already stopped: stays as it was
                task.stopped_reason = plan["reason"]
            elif plan is not None:
                # SIGTERM: 128 + 15 if the container was running; a task still starting has no exit code.
                stop(task, plan, "UserInitiated", reason or "Task stopped by user", 143 if task.started_at else None)
        return task

    EC2ContainerServiceBackend.run_task = run_task
    EC2ContainerServiceBackend.describe_tasks = describe_tasks
    EC2ContainerServiceBackend.list_tasks = list_tasks
    EC2ContainerServiceBackend.stop_task = stop_task
    Task.started_at = None  # class defaults: read by the serializer before a task gets there
    Task.stop_code = Task.stopped_at = Task.stopping_at = Task.execution_stopped_at = None

    original_response = EC2ContainerServiceResponse.run_task

    def run_task_response(self):  # type: ignore[no-untyped-def]
        call = {
            "time": iso_now(),
            "cluster": self._get_param("cluster", "default"),
            "taskDefinition": self._get_param("taskDefinition"),
            "taskDefinitionArn": None,
            "overrides": self._get_param("overrides"),
            "startedBy": self._get_param("startedBy"),
            "group": self._get_param("group"),
            "launchType": self._get_param("launchType"),
            "networkConfiguration": self._get_param("networkConfiguration"),
            "count": self._get_int_param("count", 1),
            "taskArns": [],
        }
        try:
            call["taskDefinitionArn"] = self.ecs_backend.describe_task_definition(call["taskDefinition"]).arn
        except Exception:  # unknown task definition: RunTask itself answers the error
            pass
        try:
            result = original_response(self)
            call["taskArns"] = [t.task_arn for t in result.result["tasks"]]
            return result
        except Exception as e:
            call["error"] = f"{type(e).__name__}: {e}"
            raise
        finally:
            with _lock:
                calls.append(call)

    EC2ContainerServiceResponse.run_task = run_task_response


# --- 10. ECS services reach a steady state ------------------------------------------------------
ECS_ROLLBACK_SECONDS = float(os.environ.get("MOTO_SHIM_ECS_ROLLBACK_SECONDS", "10"))
CIRCUIT_BREAKER_REASON = "ECS deployment circuit breaker: tasks failed to start."


def patch_ecs_steady_state() -> None:
    from moto.core.utils import utcnow
    from moto.ecs.models import EC2ContainerServiceBackend
    from moto.moto_api._internal import mock_random

    rollback_next: dict[tuple[str, str], float] = {}  # (cluster name, service name) -> seconds FAILED stays listed

    def arm_rollback(payload: Any) -> tuple[int, Any]:
        if not isinstance(payload, dict) or not all(isinstance(payload.get(k), str) and payload[k] for k in ("cluster", "service")):
            raise ValueError('expected {"cluster": "<name or ARN>", "service": "<name or ARN>", "holdSeconds"?: 10}')
        hold = payload.get("holdSeconds", ECS_ROLLBACK_SECONDS)
        if type(hold) not in (int, float) or hold < 0:
            raise ValueError("holdSeconds is a number >= 0")
        key = (payload["cluster"].split("/")[-1], payload["service"].split("/")[-1])
        with _lock:
            rollback_next[key] = float(hold)
            return 200, {"armed": [{"cluster": c, "service": s, "holdSeconds": h} for (c, s), h in rollback_next.items()]}

    def disarm_all(_: Any) -> tuple[int, Any]:
        with _lock:
            rollback_next.clear()
        return 200, {"armed": []}

    SHIM_ROUTES[("POST", "/moto-shim/ecs/rollback-next")] = arm_rollback
    SHIM_ROUTES[("DELETE", "/moto-shim/ecs/rollback-next")] = disarm_all

    def event(service, message: str) -> None:  # type: ignore[no-untyped-def]
        # Newest first, as DescribeServices lists them (AWS keeps the last 100).
        service.events.insert(0, {"id": str(uuid.uuid4()), "createdAt": utcnow(), "message": f"(service {service.name}) {message}"})
        del service.events[100:]

    def deployment(service, base: dict[str, Any], task_definition: str, rollout: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        deployment_id, now = f"ecs-svc/{mock_random.randint(0, 10**19 - 1):019d}", utcnow()
        word = "completed" if rollout == "COMPLETED" else "in progress"
        return {
            **base,
            "id": deployment_id,
            "status": "PRIMARY",
            "taskDefinition": task_definition,
            "desiredCount": service.desired_count,
            "pendingCount": 0,
            "runningCount": service.desired_count,
            "failedTasks": 0,
            "createdAt": now,
            "updatedAt": now,
            "networkConfiguration": service.network_configuration or base.get("networkConfiguration"),
            "rolloutState": rollout,
            "rolloutStateReason": f"ECS deployment {deployment_id} {word}.",
        }

    def steady(service) -> None:  # type: ignore[no-untyped-def]
        service.running_count, service.pending_count = service.desired_count, 0

    def settle(service) -> None:  # type: ignore[no-untyped-def]
        """Ends a rollback once its hold time is over: the FAILED deployment is gone, the rollback COMPLETED."""
        until = getattr(service, "_shim_rollback_until", None)
        if until is None or time.monotonic() < until:
            return
        service._shim_rollback_until = None
        primary = service.deployments[0]
        primary.update(rolloutState="COMPLETED", rolloutStateReason=f"ECS deployment {primary['id']} completed.", updatedAt=utcnow())
        service.deployments = [primary]
        event(service, f"(deployment {primary['id']}) deployment completed.")
        event(service, "has reached a steady state.")

    original_create = EC2ContainerServiceBackend.create_service

    def create_service(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        service = original_create(self, *args, **kwargs)
        with _lock:
            cluster = self._get_cluster(service.cluster_name)
            self.update_cluster_resources(cluster, service.pending_count, task_state="RUNNING")
            self.update_cluster_resources(cluster, -service.pending_count, task_state="PENDING")
            steady(service)
            for d in service.deployments:
                d.update(pendingCount=0, runningCount=service.desired_count, rolloutState="COMPLETED", rolloutStateReason=f"ECS deployment {d['id']} completed.")
            event(service, "has reached a steady state.")
        return service

    original_update = EC2ContainerServiceBackend.update_service

    def update_service(self, service_properties):  # type: ignore[no-untyped-def]
        props = dict(service_properties)  # moto pops keys from the original
        cluster = self._get_cluster(props.get("cluster") or "default")
        before = self._get_service(cluster.name, props["service"].split("/")[-1])
        with _lock:
            settle(before)
        previous_task_definition = before.task_definition
        service = original_update(self, service_properties)
        requested = self.describe_task_definition(props["task_definition"]).arn if props.get("task_definition") else previous_task_definition
        with _lock:
            # moto drops the running tasks from the cluster count unless desiredCount was sent.
            self.update_cluster_resources(cluster, service.desired_count - (props.get("desired_count") or 0), task_state="RUNNING")
            steady(service)
            service.task_definition = requested
            primary = next((d for d in service.deployments if d.get("status") == "PRIMARY"), None)
            if primary is None:  # not the ECS deployment controller: no deployments to show
                return service
            if requested == previous_task_definition and not props.get("force_new_deployment"):
                primary.update(desiredCount=service.desired_count, runningCount=service.desired_count, pendingCount=0, updatedAt=utcnow())
            elif (hold := rollback_next.pop((cluster.name, service.name), None)) is not None:
                failed = deployment(service, primary, requested, "FAILED")
                failed.update(status="ACTIVE", runningCount=0, failedTasks=max(service.desired_count, 1), rolloutStateReason=CIRCUIT_BREAKER_REASON)
                rollback = deployment(service, primary, previous_task_definition, "IN_PROGRESS")
                service.deployments = [rollback, failed]
                service.task_definition = previous_task_definition
                service._shim_rollback_until = time.monotonic() + hold
                event(service, f"(deployment {failed['id']}) deployment failed: tasks failed to start.")
                event(service, f"rolling back to deployment {primary['id']}.")
                settle(service)
            else:
                service._shim_rollback_until = None  # a rollback still listed is superseded
                service.deployments = [deployment(service, primary, requested, "COMPLETED")]
                event(service, f"(deployment {service.deployments[0]['id']}) deployment completed.")
                event(service, "has reached a steady state.")
        return service

    original_describe = EC2ContainerServiceBackend.describe_services

    def describe_services(self, cluster_str, service_names_or_arns):  # type: ignore[no-untyped-def]
        services, failures = original_describe(self, cluster_str, service_names_or_arns)
        with _lock:
            for service in services:
                settle(service)
        return services, failures

    EC2ContainerServiceBackend.create_service = create_service
    EC2ContainerServiceBackend.update_service = update_service
    EC2ContainerServiceBackend.describe_services = describe_services


# --- 11. ECR pull-through cache rules ------------------------------------------------------------
ECR_UPSTREAM_REGISTRIES = {  # upstreamRegistry AWS reports for a URL, when the request names none
    "public.ecr.aws": "ecr-public",
    "registry-1.docker.io": "docker-hub",
    "quay.io": "quay",
    "registry.k8s.io": "k8s",
    "ghcr.io": "github-container-registry",
    "registry.gitlab.com": "gitlab-container-registry",
}
ECR_RULE_FIELDS = ["ecrRepositoryPrefix", "upstreamRegistryUrl", "upstreamRegistry", "credentialArn", "customRoleArn", "upstreamRepositoryPrefix"]


def patch_ecr_pull_through_cache_rules() -> None:
    from moto.core.exceptions import ServiceException
    from moto.core.responses import ActionResult
    from moto.core.utils import utcnow
    from moto.ecr.responses import ECRResponse

    rules: dict[tuple[str, str, str], dict[str, Any]] = {}  # (region, registry id, prefix) -> rule

    class RuleNotFound(ServiceException):
        code = "PullThroughCacheRuleNotFoundException"

    class RuleExists(ServiceException):
        code = "PullThroughCacheRuleAlreadyExistsException"

    def key(self, prefix: str) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
        return (self.region, self._get_param("registryId") or self.current_account, prefix)

    def found(self, prefix: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        rule = rules.get(key(self, prefix))
        if rule is None:
            raise RuleNotFound(f"The pull through cache rule with prefix '{prefix}' does not exist in the registry with id '{key(self, prefix)[1]}'.")
        return rule

    def create_pull_through_cache_rule(self):  # type: ignore[no-untyped-def]
        prefix = self._get_param("ecrRepositoryPrefix")
        with _lock:
            if key(self, prefix) in rules:
                raise RuleExists(f"A pull through cache rule with prefix '{prefix}' already exists in the registry with id '{key(self, prefix)[1]}'.")
            rule = {f: self._get_param(f) for f in ECR_RULE_FIELDS if self._get_param(f) is not None}
            rule.setdefault("upstreamRegistry", ECR_UPSTREAM_REGISTRIES.get(rule.get("upstreamRegistryUrl", "")))
            rule.update(registryId=key(self, prefix)[1], createdAt=utcnow(), updatedAt=utcnow())
            rules[key(self, prefix)] = rule
            return ActionResult(dict(rule))

    def describe_pull_through_cache_rules(self):  # type: ignore[no-untyped-def]
        prefixes = self._get_param("ecrRepositoryPrefixes")
        with _lock:
            if prefixes:
                listed = [found(self, prefix) for prefix in prefixes]
            else:
                listed = [r for (region, registry, _), r in rules.items() if (region, registry) == key(self, "")[:2]]
            return ActionResult({"pullThroughCacheRules": [dict(r) for r in listed]})

    def update_pull_through_cache_rule(self):  # type: ignore[no-untyped-def]
        with _lock:
            rule = found(self, self._get_param("ecrRepositoryPrefix"))
            for field in ("credentialArn", "customRoleArn"):
                if self._get_param(field) is not None:
                    rule[field] = self._get_param(field)
            rule["updatedAt"] = utcnow()
            return ActionResult(dict(rule))

    def delete_pull_through_cache_rule(self):  # type: ignore[no-untyped-def]
        with _lock:
            found(self, self._get_param("ecrRepositoryPrefix"))
            return ActionResult(rules.pop(key(self, self._get_param("ecrRepositoryPrefix"))))

    ECRResponse.create_pull_through_cache_rule = create_pull_through_cache_rule
    ECRResponse.describe_pull_through_cache_rules = describe_pull_through_cache_rules
    ECRResponse.update_pull_through_cache_rule = update_pull_through_cache_rule
    ECRResponse.delete_pull_through_cache_rule = delete_pull_through_cache_rule


# --- 12. Application Auto Scaling keeps an ECS service inside its bounds -------------------------
def patch_appautoscaling_clamps_ecs_desired_count() -> None:
    from moto.applicationautoscaling.models import ApplicationAutoscalingBackend
    from moto.ecs.models import ecs_backends

    original = ApplicationAutoscalingBackend.register_scalable_target

    def register_scalable_target(self, namespace, r_id, dimension, min_capacity, max_capacity, role_arn, suspended_state):  # type: ignore[no-untyped-def]
        target = original(self, namespace, r_id, dimension, min_capacity, max_capacity, role_arn, suspended_state)
        if namespace == "ecs" and dimension == "ecs:service:DesiredCount":
            _, cluster, service_name = r_id.split("/", 2)
            ecs = ecs_backends[self.account_id][self.region_name]
            with _lock:
                service = ecs.services.get(f"{cluster}:{service_name}")
                if service is not None:
                    low = target.min_capacity if target.min_capacity is not None else 0
                    high = target.max_capacity if target.max_capacity is not None else service.desired_count
                    service.desired_count = max(low, min(high, service.desired_count))
                    # The tasks run at once (shim 10): the service and its deployment follow.
                    service.running_count, service.pending_count = service.desired_count, 0
                    for d in service.deployments:
                        if d.get("status") == "PRIMARY":
                            d.update(desiredCount=service.desired_count, runningCount=service.desired_count, pendingCount=0)
        return target

    ApplicationAutoscalingBackend.register_scalable_target = register_scalable_target


# --- 13. ElastiCache: NumCacheClusters members -------------------------------------------------
def patch_elasticache_num_cache_clusters() -> None:
    from moto.elasticache.models import ReplicationGroup

    original = ReplicationGroup._set_node_members_clusters_disabled

    def set_members(self, member_clusters, replication_group_id, replication_group_domain, node_group, preferred_cache_cluster_azs, num_cache_clusters, replicas_per_node_group):  # type: ignore[no-untyped-def]
        # moto derives the replicas from ReplicasPerNodeGroup only; NumCacheClusters counts the primary too.
        replicas = replicas_per_node_group or max(0, (num_cache_clusters or 1) - 1)
        return original(self, member_clusters, replication_group_id, replication_group_domain, node_group, preferred_cache_cluster_azs, num_cache_clusters, replicas)

    ReplicationGroup._set_node_members_clusters_disabled = set_members


# --- 14. SQS RedrivePolicy as compact JSON ---------------------------------------------------------
def patch_sqs_compact_redrive_policy() -> None:
    from moto.sqs.models import Queue

    original = Queue.attributes.fget

    def attributes(self):  # type: ignore[no-untyped-def]
        result = original(self)
        if self.redrive_policy:
            result["RedrivePolicy"] = json.dumps(self.redrive_policy, separators=(",", ":"))
        return result

    Queue.attributes = property(attributes)  # type: ignore[assignment]


# --- 15. TLS-only bucket policy statements do not apply to (TLS) requests --------------------------
def patch_bucket_policy_secure_transport() -> None:
    from moto.iam.access_control import IAMPolicy, PermissionResult
    from moto.s3.models import FakeBucket

    insecure_only = {"Bool": {"aws:SecureTransport": "false"}}

    def get_permission(self, action, resource):  # type: ignore[no-untyped-def]
        if self.policy is None:
            return PermissionResult.NEUTRAL
        policy = json.loads(self.policy.decode())
        statements = policy.get("Statement", [])
        statements = [statements] if isinstance(statements, dict) else statements
        policy["Statement"] = [st for st in statements if st.get("Condition") != insecure_only]
        return IAMPolicy(json.dumps(policy)).is_action_permitted(action, resource)

    FakeBucket.get_permission = get_permission  # type: ignore[method-assign]


# --- 16. CloudFront distribution ARNs as AWS writes them ---------------------------------------
def patch_cloudfront_distribution_arn() -> None:
    from moto.cloudfront import models as cf

    original_init = cf.Distribution.__init__

    def init(self, account_id, region_name, config):  # type: ignore[no-untyped-def]
        original_init(self, account_id, region_name, config)
        self.arn = self.arn.replace(f":cloudfront:{account_id}:", f":cloudfront::{account_id}:", 1)

    cf.Distribution.__init__ = init


# --- 17. RDS: turning on a managed master password that is already on keeps the secret ---------------
def patch_rds_keep_managed_master_secret() -> None:
    from moto.rds import models as rds

    original_update = rds.DBInstance.update

    def update(self, manage_master_user_password=None, **kwargs):  # type: ignore[no-untyped-def]
        if manage_master_user_password is True and getattr(self, "master_user_secret", None) is not None:
            manage_master_user_password = None
        return original_update(self, manage_master_user_password=manage_master_user_password, **kwargs)

    rds.DBInstance.update = update


# --- 21. CloudWatch DescribeAlarms applies every filter given ---------------------------------------
def patch_cloudwatch_describe_alarms_filters() -> None:
    from moto.cloudwatch import responses as cw

    cls = cw.CloudWatchResponse
    original = cls.describe_alarms

    def describe_alarms(self):  # type: ignore[no-untyped-def]
        result = original(self)
        state_value = self._get_param("StateValue")
        if state_value and (self._get_param("AlarmNamePrefix") or self._get_param("ActionPrefix") or self._get_param("AlarmNames")):
            for kind in ("MetricAlarms", "CompositeAlarms"):
                result.result[kind] = [a for a in result.result[kind] if a.state_value == state_value]
        return result

    cls.describe_alarms = describe_alarms


def serialize_requests() -> None:
    """18. Every request handled under one lock, its response body read before the lock is let go.

    20. A retried request whose earlier attempt was answered with a 2xx gets that answer again.
    """
    import io
    from collections import OrderedDict
    from urllib.parse import parse_qs

    import moto.server as server

    original_run_simple = server.run_simple
    request_lock = threading.Lock()
    # (invocation id, method, path) -> (status, headers, body) of an answered attempt; changes only
    # (no GET or HEAD: reading twice is harmless), at most 32 MB of bodies, oldest dropped first.
    answered: "OrderedDict[tuple[str, str, str], tuple[str, list[tuple[str, str]], bytes]]" = OrderedDict()
    answered_bytes = 0
    max_answered_bytes = 32 << 20

    def attempt_of(environ: dict[str, Any]) -> int:
        m = re.search(r"attempt=(\d+)", environ.get("HTTP_AMZ_SDK_REQUEST", ""))
        return int(m.group(1)) if m else 1

    def action_of(environ: dict[str, Any], body: bytes) -> str:
        """The query API action (EC2, IAM, ...), the JSON target (X-Amz-Target), or the path."""
        target = environ.get("HTTP_X_AMZ_TARGET")
        if target:
            return target.split(".")[-1]
        for source in (environ.get("QUERY_STRING", ""), body.decode("utf-8", "replace") if body[:1] not in (b"{", b"<") else ""):
            action = parse_qs(source).get("Action")
            if action:
                return action[0]
        return f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}"

    def serialized(app: Callable[..., Any]) -> Callable[..., Any]:
        def handle(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
            nonlocal answered_bytes
            # The body is read here (to name the action); a chunked upload has no length and is
            # read to its end (werkzeug dechunks it and marks the input terminated).
            chunked = environ.get("wsgi.input_terminated") or "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
            length = int(environ.get("CONTENT_LENGTH") or 0)
            request_body = environ["wsgi.input"].read() if chunked else environ["wsgi.input"].read(length) if length > 0 else b""
            environ["wsgi.input"] = io.BytesIO(request_body)
            if chunked:
                environ["CONTENT_LENGTH"] = str(len(request_body))
            invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID")
            method = environ.get("REQUEST_METHOD", "")
            key = (invocation or "", method, environ.get("PATH_INFO", ""))
            attempt = attempt_of(environ)
            with request_lock:
                if invocation and attempt > 1 and key in answered:
                    status, headers, body = answered[key]
                    print(f"[shim 20] {action_of(environ, request_body)} attempt {attempt}: replayed the answer of an earlier attempt ({status})", file=sys.stderr, flush=True)
                    start_response(status, headers)
                    return [body]
                captured: dict[str, Any] = {}

                def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
                    captured["status"], captured["headers"] = status, list(headers)
                    return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

                iterable = app(environ, capture)
                try:
                    body = b"".join(iterable)
                finally:
                    close = getattr(iterable, "close", None)
                    if close is not None:
                        close()
                status = str(captured.get("status", ""))
                if invocation and status.startswith("2") and method not in ("GET", "HEAD") and len(body) < max_answered_bytes:
                    answered[key] = (status, captured["headers"], body)
                    answered_bytes += len(body)
                    while answered_bytes > max_answered_bytes:
                        answered_bytes -= len(answered.popitem(last=False)[1][2])
                if not status.startswith(("2", "3")) or attempt > 1:
                    # moto's own log line says only "POST / 400": name the action and the error.
                    code = re.search(rb"<Code>([^<]+)</Code>|\"__type\"\s*:\s*\"([^\"]+)\"", body)
                    error = (code.group(1) or code.group(2)).decode() if code else ""
                    print(f"[shim 20] {action_of(environ, request_body)} attempt {attempt}: {status} {error}".rstrip(), file=sys.stderr, flush=True)
                return [body]

        return handle

    def run_simple(host: str, port: int, app: Callable[..., Any], **kwargs: Any) -> None:
        original_run_simple(host, port, serialized(app), **kwargs)

    server.run_simple = run_simple  # type: ignore[assignment]


if __name__ == "__main__":
    if not moto.__version__.startswith("5."):
        sys.exit(f"moto 5.x expected (the shims patch its internals), found {moto.__version__}")
    patch_appautoscaling_tags()
    patch_elasticache_member_clusters()
    patch_cloudfront_origin_access_control()
    patch_cloudfront_response_headers_policies()
    patch_ecs_service_fields()
    patch_rds_user_parameters()
    patch_security_group_rule_descriptions()
    patch_cloudfront_cache_policies()
    patch_control_endpoints()
    patch_ecs_one_off_tasks()
    patch_ecs_steady_state()
    patch_ecr_pull_through_cache_rules()
    patch_appautoscaling_clamps_ecs_desired_count()
    patch_elasticache_num_cache_clusters()
    patch_sqs_compact_redrive_policy()
    patch_bucket_policy_secure_transport()
    patch_cloudfront_distribution_arn()
    patch_rds_keep_managed_master_secret()
    patch_sesv2()
    patch_cloudwatch_describe_alarms_filters()
    serialize_requests()
    moto_server_main(sys.argv[1:])
