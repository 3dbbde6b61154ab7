"""
Starts moto's server (same arguments as `moto_server`, e.g. `-H 127.0.0.1 -p 5000`) after patching
the few gaps of moto 5.2 that the webapp stacks run into. Test harness only: nothing here changes
what the stacks synthesize; it makes the emulator answer like AWS for the calls the AWS provider
makes. Each shim is small, in memory, and documented in the README ("How it is tested").

  1. Application Auto Scaling tags: moto has no ListTagsForResource / TagResource / UntagResource and
     ignores RegisterScalableTarget's Tags. The provider reads tags after every create, so without
     this it fails (after AWS_MAX_ATTEMPTS retries). Tags are kept per scalable-target ARN.
  2. ElastiCache replication-group member clusters: moto lists MemberClusters (`<group>-001`, ...)
     but DescribeCacheClusters does not know them; the provider reads the first member to fill
     engine version, security groups and encryption flags. Answered from the group's own settings.
  3. CloudFront origin access control on origins: moto drops `OriginAccessControlId` from every
     origin of a distribution. Kept as sent.
  4. CloudFront response headers policies: not implemented in moto. Create / Get / GetConfig /
     Update / Delete / List, storing the policy config exactly as the provider sent it.
  5. ECS CreateService: moto drops capacityProviderStrategy, enableECSManagedTags,
     enableExecuteCommand, healthCheckGracePeriodSeconds, deploymentConfiguration and
     availabilityZoneRebalancing, and reports launchType EC2 when a capacity provider strategy was
     given. Without this every later plan would replace both services. Kept as sent.
  6. RDS DescribeDBParameters: moto omits `Source: user` on parameters set through
     ModifyDBParameterGroup, and the provider keeps only user-sourced parameters, so every plan
     would re-add them. Modified parameters are marked as user-sourced, as AWS does.
  7. EC2 security group rules that reference another group: moto returns no Description for them
     (it only reads descriptions of CIDR rules). The description sent is returned.
"""

import json
import re
import sys
import threading
import uuid
from datetime import datetime, timezone

import moto
from moto.server import main as moto_server_main

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


# --- 4. CloudFront response headers policies ------------------------------------------------------
CF_NS = "http://cloudfront.amazonaws.com/doc/2020-05-31/"


def patch_cloudfront_response_headers_policies() -> None:
    from moto.cloudfront import urls

    policies: dict[str, dict[str, str]] = {}  # id -> {config, etag, modified}
    id_in_path = re.compile(r"/response-headers-policy/([^/?]+)")

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
        return re.sub(r"^<ResponseHeadersPolicyConfig[^>]*>", "<ResponseHeadersPolicyConfig>", text)

    def policy_element(policy_id: str, policy: dict[str, str]) -> str:
        return (
            f"<ResponseHeadersPolicy><Id>{policy_id}</Id><LastModifiedTime>{policy['modified']}</LastModifiedTime>"
            f"{policy['config']}</ResponseHeadersPolicy>"
        )

    def policy_xml(policy_id: str, policy: dict[str, str]) -> str:
        element = policy_element(policy_id, policy).replace("<ResponseHeadersPolicy>", f'<ResponseHeadersPolicy xmlns="{CF_NS}">', 1)
        return '<?xml version="1.0"?>' + element

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
                    return error(409, "ResponseHeadersPolicyAlreadyExists", "A policy with this name already exists")
                policy_id = str(uuid.uuid4())
                policies[policy_id] = {"config": config, "etag": uuid.uuid4().hex, "modified": now}
                p = policies[policy_id]
                location = f"https://cloudfront.amazonaws.com/2020-05-31/response-headers-policy/{policy_id}"
                return 201, {"Content-Type": "text/xml", "ETag": p["etag"], "Location": location}, policy_xml(policy_id, p)
            if policy_id is None and request.method == "GET":
                summaries = "".join(
                    f"<ResponseHeadersPolicySummary><Type>custom</Type>{policy_element(pid, p)}</ResponseHeadersPolicySummary>"
                    for pid, p in policies.items()
                )
                body = (
                    f'<?xml version="1.0"?><ResponseHeadersPolicyList xmlns="{CF_NS}"><MaxItems>100</MaxItems>'
                    f"<Quantity>{len(policies)}</Quantity><Items>{summaries}</Items></ResponseHeadersPolicyList>"
                )
                return 200, {"Content-Type": "text/xml"}, body
            if policy_id not in policies:
                return error(404, "NoSuchResponseHeadersPolicy", "The response headers policy does not exist.")
            p = policies[policy_id]
            if request.method == "GET":
                if request.path.rstrip("/").endswith("/config"):
                    namespaced = p["config"].replace("<ResponseHeadersPolicyConfig>", f'<ResponseHeadersPolicyConfig xmlns="{CF_NS}">', 1)
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

    urls.url_paths["{0}/2020-05-31/response-headers-policy$"] = handler
    urls.url_paths["{0}/2020-05-31/response-headers-policy/(?P<rhp_id>[^/]+)$"] = handler
    urls.url_paths["{0}/2020-05-31/response-headers-policy/(?P<rhp_id>[^/]+)/config$"] = handler


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
    moto_server_main(sys.argv[1:])
