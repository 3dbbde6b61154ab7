import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdktf';
import { defineEnvironment } from '../src/config/defaults';
import { processNames } from '../src/config/names';

import { environments, prod, staging } from '../src/config/environments';
import { adoptingEverything } from './helpers/adoption';
import { withInternalService } from './helpers/internal';
import { withTopics } from './helpers/topics';
import { EnvironmentConfig } from '../src/config/types';
import { UNSCOPED_ACTIONS } from '../src/delivery/deploy-coverage';
import { workloadBoundaryArn } from '../src/delivery/names';
import { bootstrapStacks } from '../src/stacks/bootstrap-stack';
import { dataOf, policyOf, resourcesOf, shipped, synthEnv, TfJson, withConfig, withoutEmail, emailAt } from './helpers/synth';

/**
 * Security policy suite: controls modeled on AWS Foundational Security Best Practices (FSBP) and
 * checkov's Terraform checks, run on every synthesized environment stack.
 *
 * A control returns its violations as "<address>: <problem>" strings, and counts the resources it
 * looked at: a control that finds nothing to check fails instead of passing vacuously. Deliberate
 * exceptions live in EXCEPTIONS, each with a reason; an exception that no longer matches anything
 * fails too, so the list never goes stale.
 */

type Scope = 'all' | 'production';
/** A private subnet of the stack's own VPC, or an adopted one (checked private at plan time: modules/existing-network.ts). */
const PRIVATE_SUBNET = /aws_subnet\.network_private|data\.aws_subnet\.network_existing-private-\d/;
interface Control {
  readonly id: string;
  /** One line: why the control matters. */
  readonly reason: string;
  readonly scope: Scope;
  /** Only for environments where this holds (e.g. interface endpoints exist only without NAT). */
  readonly when?: (env: EnvironmentConfig) => boolean;
  /** Returns the addresses checked and the violations found. */
  readonly check: (json: TfJson, env: EnvironmentConfig) => { checked: string[]; violations: string[] };
}

interface Exception {
  readonly control: string;
  /** Regex on the violation text (`<address>: <problem>`). */
  readonly match: RegExp;
  readonly environments: 'all' | string[];
  readonly reason: string;
}

/** Every deliberate deviation from a control, with its reason. */
const EXCEPTIONS: Exception[] = [
  {
    control: 'IAM-NO-WILDCARD-ACTIONS',
    match: /^aws_iam_role_policy\.network_flow-logs-policy_\w+: "\*" resource for logs:DescribeLogGroups$/,
    environments: ['prod'],
    reason: 'The flow-log role as AWS documents it (VPC user guide, "IAM role for publishing flow logs to CloudWatch Logs") lists logs:DescribeLogGroups on "*"; it lists group names and settings, no log data. Every other action of the role is scoped to its log group.',
  },
  {
    control: 'SERVICE-PUBLISHERS-SCOPED',
    match: /: events\.amazonaws\.com without aws:SourceAccount\/aws:SourceArn$/,
    environments: 'all',
    reason: 'EventBridge cannot publish to a KMS-encrypted topic under source conditions: "Adding the aws:SourceAccount, aws:SourceArn, and aws:SourceOrgID to a AWS KMS policy is not supported for EventBridge-to-encrypted topics" (SNS developer guide, key management), and "You can\'t use Condition blocks in Amazon SNS topic policies for EventBridge" (EventBridge user guide, resource-based policies). With them, every event alert was dropped. Another account\'s rule could publish to the alert topics: noise, never access.',
  },
  {
    control: 'S3-VERSIONING',
    match: /^aws_s3_bucket\.(load-balancer_access-logs|assets_cdn-logs)/,
    environments: ['prod', 'moved'],
    reason: 'Access-log buckets are append-only, written by AWS services and expired after 90 days; versions would only add cost.',
  },
  {
    control: 'ECS-READONLY-ROOT',
    match: /^aws_ecs_task_definition\./,
    environments: 'all',
    reason: 'Web frameworks write caches, temp uploads and bytecode to local disk; a read-only root breaks most images (checkov CKV_AWS_336).',
  },
];

// ---------------------------------------------------------------------------------------------
// Helpers over the synthesized JSON

const address = (type: string, name: string) => `${type}.${name}`;
/** `${aws_x.name.attr}` -> `aws_x.name`. */
const refTarget = (value: unknown): string | undefined => (typeof value === 'string' ? /^\$\{([\w-]+\.[\w-]+)\.[\w\[\].]+\}$/.exec(value)?.[1] : undefined);
const all = (json: TfJson, type: string) => resourcesOf(json, type).map(([name, body]) => ({ address: address(type, name), body }));
/** The resource of `type` whose `attr` references `target` (e.g. the PAB of a bucket). */
const attachedTo = (json: TfJson, type: string, target: string, attr = 'bucket') => all(json, type).filter((r) => refTarget(r.body[attr]) === target);

function control(checked: string[], violations: (string | false | undefined)[]) {
  return { checked, violations: violations.filter((v): v is string => Boolean(v)) };
}

/** Every IAM policy document in the stack (inline role policies, bucket policies), parsed. */
const policyDocs = (json: TfJson, type: string) => all(json, type).map((r) => ({ address: r.address, doc: policyOf(r.body.policy) }));
const statementsOf = (doc: { Statement: any[] }) => doc.Statement.map((s) => ({ ...s, Action: [s.Action].flat(), Resource: [s.Resource].flat() }));

/** Actions AWS offers no resource-level permission for: "*" is the only valid resource. */
const RESOURCE_STAR_ACTIONS = new Set(['ecr:GetAuthorizationToken', 'ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel']);
const ADMIN_POLICIES = /arn:aws:iam::aws:policy\/(AdministratorAccess|PowerUserAccess|IAMFullAccess|.*FullAccess)$/;
const MODERN_ALB_POLICIES = /^ELBSecurityPolicy-(TLS13-1-2-.*|TLS-1-2-.*|FS-1-2-.*)$/;
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;

const containersOf = (json: TfJson) =>
  all(json, 'aws_ecs_task_definition').flatMap((td) => (JSON.parse(td.body.container_definitions) as any[]).map((c) => ({ address: td.address, td: td.body, c })));

/** Security group address by its logical reference. */
const sgOf = (json: TfJson, ref: string) => {
  const target = refTarget(ref);
  const group = target ? json.resource.aws_security_group?.[target.split('.')[1]] : undefined;
  // Groups are named by prefix; the Name tag carries the readable name.
  return target && group ? { address: target, name: (group.tags?.Name ?? group.name) as string } : undefined;
};
/** Security groups used by ECS services or one-off task definitions (the app tiers). */
const appSecurityGroupNames = (env: EnvironmentConfig) => new Set(processNames(env).map((p) => `${env.project}-${env.name}-${p.name}`));

// ---------------------------------------------------------------------------------------------
// The controls

const CONTROLS: Control[] = [
  // S3
  {
    id: 'S3-PUBLIC-ACCESS-BLOCK',
    reason: 'FSBP S3.8 / CKV2_AWS_6: all four public access block flags on every bucket.',
    scope: 'all',
    check: (json) => {
      const buckets = all(json, 'aws_s3_bucket');
      return control(buckets.map((b) => b.address), buckets.map((b) => {
        const pab = attachedTo(json, 'aws_s3_bucket_public_access_block', b.address)[0]?.body;
        const ok = pab && pab.block_public_acls && pab.block_public_policy && pab.ignore_public_acls && pab.restrict_public_buckets;
        return !ok && `${b.address}: missing or incomplete public access block`;
      }));
    },
  },
  {
    id: 'S3-ENCRYPTION',
    reason: 'FSBP S3.4 / CKV_AWS_145: default server-side encryption on every bucket.',
    scope: 'all',
    check: (json) => {
      const buckets = all(json, 'aws_s3_bucket');
      return control(buckets.map((b) => b.address), buckets.map((b) => {
        const sse = attachedTo(json, 'aws_s3_bucket_server_side_encryption_configuration', b.address)[0]?.body;
        const algorithm = sse?.rule?.[0]?.apply_server_side_encryption_by_default?.sse_algorithm;
        return !['AES256', 'aws:kms', 'aws:kms:dsse'].includes(algorithm) && `${b.address}: no default encryption`;
      }));
    },
  },
  {
    id: 'S3-OWNERSHIP',
    reason: 'FSBP S3.12 / CKV2_AWS_65: ACLs disabled (BucketOwnerEnforced), access only through policies.',
    scope: 'all',
    check: (json) => {
      const buckets = all(json, 'aws_s3_bucket');
      return control(buckets.map((b) => b.address), buckets.map((b) => {
        const ownership = attachedTo(json, 'aws_s3_bucket_ownership_controls', b.address)[0];
        if (!ownership) return `${b.address}: no ownership controls`;
        return ownership.body.rule?.object_ownership !== 'BucketOwnerEnforced' && `${ownership.address}: object ownership is ${ownership.body.rule?.object_ownership}`;
      }));
    },
  },
  {
    id: 'S3-TLS-ONLY',
    reason: 'FSBP S3.5 / CKV_AWS_379-style: a bucket policy denies every request without TLS.',
    scope: 'all',
    check: (json) => {
      const buckets = all(json, 'aws_s3_bucket');
      return control(buckets.map((b) => b.address), buckets.map((b) => {
        const policy = attachedTo(json, 'aws_s3_bucket_policy', b.address)[0];
        const denies = policy && statementsOf(policyOf(policy.body.policy)).some(
          (s) => s.Effect === 'Deny' && s.Principal === '*' && s.Action.includes('s3:*') && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
        );
        return !denies && `${b.address}: no TLS-only deny statement`;
      }));
    },
  },
  {
    id: 'S3-NO-ANONYMOUS',
    reason: 'FSBP S3.2/S3.3: no bucket policy grants anything to an anonymous or wildcard principal.',
    scope: 'all',
    check: (json) => {
      const docs = policyDocs(json, 'aws_s3_bucket_policy');
      return control(docs.map((d) => d.address), docs.flatMap((d) => statementsOf(d.doc).map((s) => {
        const wildcard = s.Principal === '*' || [s.Principal?.AWS].flat().includes('*');
        return s.Effect === 'Allow' && wildcard && `${d.address}: Allow to principal *`;
      })));
    },
  },
  {
    id: 'S3-VERSIONING',
    reason: 'CKV_AWS_21: versioning protects data buckets against overwrite and deletion.',
    scope: 'all',
    check: (json) => {
      const buckets = all(json, 'aws_s3_bucket');
      return control(buckets.map((b) => b.address), buckets.map((b) => {
        const status = attachedTo(json, 'aws_s3_bucket_versioning', b.address)[0]?.body.versioning_configuration?.status;
        return status !== 'Enabled' && `${b.address}: versioning ${status ?? 'not configured'}`;
      }));
    },
  },
  {
    id: 'S3-LIFECYCLE',
    reason: 'CKV2_AWS_61: every bucket has a lifecycle configuration (incomplete uploads, old versions, logs expire).',
    scope: 'all',
    check: (json) => {
      const buckets = all(json, 'aws_s3_bucket');
      return control(buckets.map((b) => b.address), buckets.map((b) => attachedTo(json, 'aws_s3_bucket_lifecycle_configuration', b.address).length === 0 && `${b.address}: no lifecycle configuration`));
    },
  },

  // RDS
  {
    id: 'RDS-ENCRYPTED',
    reason: 'FSBP RDS.3 / CKV_AWS_16: storage encrypted at rest.',
    scope: 'all',
    check: (json) => {
      const dbs = all(json, 'aws_db_instance');
      return control(dbs.map((d) => d.address), dbs.map((d) => d.body.storage_encrypted !== true && `${d.address}: storage not encrypted`));
    },
  },
  {
    id: 'RDS-PRIVATE',
    reason: 'FSBP RDS.2 / CKV_AWS_17: not publicly accessible, in private subnets only.',
    scope: 'all',
    check: (json) => {
      const dbs = all(json, 'aws_db_instance');
      const subnetGroups = all(json, 'aws_db_subnet_group');
      return control(dbs.map((d) => d.address), [
        ...dbs.map((d) => d.body.publicly_accessible !== false && `${d.address}: publicly accessible`),
        ...subnetGroups.flatMap((g) => (g.body.subnet_ids as string[]).map((s) => !PRIVATE_SUBNET.test(s) && `${g.address}: non-private subnet ${s}`)),
      ]);
    },
  },
  {
    id: 'RDS-BACKUPS',
    reason: 'FSBP RDS.11: automated backups (7+ days in production), tags copied to snapshots (RDS.17).',
    scope: 'all',
    check: (json, env) => {
      const dbs = all(json, 'aws_db_instance');
      const minimum = env.production ? 7 : 1;
      return control(dbs.map((d) => d.address), dbs.flatMap((d) => [
        !(d.body.backup_retention_period >= minimum) && `${d.address}: backup retention ${d.body.backup_retention_period} < ${minimum}`,
        d.body.copy_tags_to_snapshot !== true && `${d.address}: tags not copied to snapshots`,
      ]));
    },
  },
  {
    id: 'RDS-FORCE-TLS',
    reason: 'FSBP RDS in-transit encryption: the instance parameter group sets rds.force_ssl = 1.',
    scope: 'all',
    check: (json) => {
      const dbs = all(json, 'aws_db_instance');
      return control(dbs.map((d) => d.address), dbs.map((d) => {
        const group = refTarget(d.body.parameter_group_name);
        const params = group && json.resource.aws_db_parameter_group?.[group.split('.')[1]]?.parameter;
        const forced = (params ?? []).some((p: any) => p.name === 'rds.force_ssl' && p.value === '1');
        return !forced && `${d.address}: rds.force_ssl not set to 1 in its parameter group`;
      }));
    },
  },
  {
    id: 'RDS-MANAGED-PASSWORD',
    reason: 'No database password in config, code or state: RDS manages it in Secrets Manager.',
    scope: 'all',
    check: (json) => {
      const dbs = all(json, 'aws_db_instance');
      return control(dbs.map((d) => d.address), dbs.map((d) => (d.body.manage_master_user_password !== true || d.body.password !== undefined) && `${d.address}: password not managed by RDS`));
    },
  },
  {
    id: 'RDS-OPERATIONS',
    reason: 'FSBP RDS.9/RDS.13, CKV_AWS_118/161: logs exported, minor upgrades, enhanced monitoring, IAM auth.',
    scope: 'all',
    check: (json) => {
      const dbs = all(json, 'aws_db_instance');
      return control(dbs.map((d) => d.address), dbs.flatMap((d) => [
        !(d.body.enabled_cloudwatch_logs_exports ?? []).includes('postgresql') && `${d.address}: postgresql log not exported`,
        d.body.auto_minor_version_upgrade !== true && `${d.address}: no automatic minor upgrades`,
        !(d.body.monitoring_interval > 0) && `${d.address}: no enhanced monitoring`,
        d.body.iam_database_authentication_enabled !== true && `${d.address}: IAM authentication off`,
      ]));
    },
  },
  {
    id: 'RDS-PROD-RESILIENCE',
    reason: 'FSBP RDS.5/RDS.7/RDS.8: production is Multi-AZ, deletion-protected, snapshots on delete, prevent_destroy.',
    scope: 'production',
    check: (json) => {
      const dbs = all(json, 'aws_db_instance');
      return control(dbs.map((d) => d.address), dbs.flatMap((d) => [
        d.body.multi_az !== true && `${d.address}: not Multi-AZ`,
        d.body.deletion_protection !== true && `${d.address}: no deletion protection`,
        d.body.skip_final_snapshot !== false && `${d.address}: skips the final snapshot`,
        d.body.lifecycle?.prevent_destroy !== true && `${d.address}: no prevent_destroy`,
      ]));
    },
  },

  // ElastiCache
  {
    id: 'ELASTICACHE-ENCRYPTION',
    reason: 'FSBP ElastiCache.4/.5 / CKV_AWS_29/30: encrypted at rest and in transit, TLS required.',
    scope: 'all',
    check: (json) => {
      const groups = all(json, 'aws_elasticache_replication_group');
      return control(groups.map((g) => g.address), groups.flatMap((g) => [
        g.body.at_rest_encryption_enabled !== 'true' && `${g.address}: not encrypted at rest`,
        g.body.transit_encryption_enabled !== true && `${g.address}: no in-transit encryption`,
        g.body.transit_encryption_mode !== 'required' && `${g.address}: TLS not required`,
      ]));
    },
  },
  {
    id: 'ELASTICACHE-AUTH',
    reason: 'FSBP ElastiCache.6 / CKV_AWS_31: AUTH token required, read from its Secrets Manager secret (one stored value), never a literal.',
    scope: 'all',
    check: (json) => {
      const groups = all(json, 'aws_elasticache_replication_group');
      return control(groups.map((g) => g.address), groups.map((g) => !/^\$\{data\.aws_secretsmanager_secret_version\.[\w-]+\.secret_string\}$/.test(g.body.auth_token ?? '') && `${g.address}: AUTH token not read from its secret`));
    },
  },
  {
    id: 'ELASTICACHE-BACKUPS',
    reason: 'FSBP ElastiCache.1 / CKV_AWS_134: automatic snapshots retained; minor upgrades on (ElastiCache.2).',
    scope: 'all',
    check: (json) => {
      const groups = all(json, 'aws_elasticache_replication_group');
      return control(groups.map((g) => g.address), groups.flatMap((g) => [
        !(g.body.snapshot_retention_limit >= 1) && `${g.address}: no snapshot retention`,
        g.body.auto_minor_version_upgrade !== 'true' && `${g.address}: no automatic minor upgrades`,
      ]));
    },
  },
  {
    id: 'ELASTICACHE-FAILOVER',
    reason: 'FSBP ElastiCache.3: production has replicas with automatic failover across AZs.',
    scope: 'production',
    check: (json) => {
      const groups = all(json, 'aws_elasticache_replication_group');
      return control(groups.map((g) => g.address), groups.flatMap((g) => [
        !(g.body.num_cache_clusters >= 2) && `${g.address}: fewer than 2 nodes`,
        g.body.automatic_failover_enabled !== true && `${g.address}: no automatic failover`,
        g.body.multi_az_enabled !== true && `${g.address}: not Multi-AZ`,
      ]));
    },
  },

  // Load balancer
  {
    id: 'ALB-HTTPS',
    reason: 'FSBP ELB.1 / CKV2_AWS_20: HTTP listeners only redirect to HTTPS; HTTPS uses a TLS 1.2+ policy (ELB.17, CKV_AWS_103).',
    scope: 'all',
    check: (json) => {
      const listeners = all(json, 'aws_lb_listener');
      return control(listeners.map((l) => l.address), listeners.map((l) => {
        if (l.body.protocol === 'HTTP') {
          const action = l.body.default_action?.[0];
          return !(action?.type === 'redirect' && action.redirect?.protocol === 'HTTPS') && `${l.address}: HTTP listener does not redirect to HTTPS`;
        }
        return !(l.body.protocol === 'HTTPS' && MODERN_ALB_POLICIES.test(l.body.ssl_policy ?? '')) && `${l.address}: not HTTPS with a TLS 1.2+ policy`;
      }));
    },
  },
  {
    id: 'ALB-INVALID-HEADERS',
    reason: 'FSBP ELB.4 / CKV_AWS_131: invalid HTTP header fields are dropped (request smuggling).',
    scope: 'all',
    check: (json) => {
      const lbs = all(json, 'aws_lb');
      return control(lbs.map((l) => l.address), lbs.map((l) => l.body.drop_invalid_header_fields !== true && `${l.address}: keeps invalid headers`));
    },
  },
  {
    id: 'ALB-PROD-LOGS-PROTECTION',
    reason: 'FSBP ELB.5/ELB.6 / CKV_AWS_91/150: production ALB logs access and has deletion protection.',
    scope: 'production',
    check: (json) => {
      const lbs = all(json, 'aws_lb');
      return control(lbs.map((l) => l.address), lbs.flatMap((l) => [
        l.body.access_logs?.enabled !== true && `${l.address}: no access logs`,
        l.body.enable_deletion_protection !== true && `${l.address}: no deletion protection`,
      ]));
    },
  },

  // CloudFront
  {
    id: 'CLOUDFRONT-HTTPS',
    reason: 'FSBP CloudFront.3/.10 / CKV_AWS_34/174: viewers use HTTPS only, TLS 1.2 (2021) or newer, SNI, custom certificate.',
    scope: 'all',
    check: (json) => {
      const distributions = all(json, 'aws_cloudfront_distribution');
      return control(distributions.map((d) => d.address), distributions.flatMap((d) => {
        const behaviors = [...(d.body.default_cache_behavior ? [d.body.default_cache_behavior] : []), ...(d.body.ordered_cache_behavior ?? [])];
        const cert = d.body.viewer_certificate ?? {};
        return [
          ...behaviors.map((b: any) => !['redirect-to-https', 'https-only'].includes(b.viewer_protocol_policy) && `${d.address}: behavior allows HTTP`),
          !/^TLSv1\.2_20(21|25)$|^TLSv1\.3/.test(cert.minimum_protocol_version ?? '') && `${d.address}: minimum TLS ${cert.minimum_protocol_version}`,
          cert.ssl_support_method !== 'sni-only' && `${d.address}: not SNI`,
          (cert.cloudfront_default_certificate || !cert.acm_certificate_arn) && `${d.address}: default certificate`,
        ];
      }));
    },
  },
  {
    id: 'CLOUDFRONT-OAC',
    reason: 'FSBP CloudFront.13 / CKV_AWS_310-style: S3 origins only through an Origin Access Control signing every request.',
    scope: 'all',
    check: (json) => {
      const distributions = all(json, 'aws_cloudfront_distribution');
      const oacs = all(json, 'aws_cloudfront_origin_access_control');
      return control(distributions.map((d) => d.address), [
        ...distributions.flatMap((d) => (d.body.origin as any[]).map((o) => {
          const oac = refTarget(o.origin_access_control_id);
          return !(oac && oacs.some((a) => a.address === oac)) && `${d.address}: origin ${o.origin_id} without an OAC`;
        })),
        ...oacs.map((a) => !(a.body.signing_protocol === 'sigv4' && a.body.signing_behavior === 'always') && `${a.address}: does not always sign with sigv4`),
      ]);
    },
  },
  {
    id: 'CLOUDFRONT-HSTS',
    reason: 'CKV2_AWS_32: a response headers policy adds HSTS (and the other security headers).',
    scope: 'all',
    check: (json) => {
      const distributions = all(json, 'aws_cloudfront_distribution');
      return control(distributions.map((d) => d.address), distributions.map((d) => {
        const policy = refTarget(d.body.default_cache_behavior?.response_headers_policy_id);
        const body = policy && json.resource.aws_cloudfront_response_headers_policy?.[policy.split('.')[1]];
        const hsts = body?.security_headers_config?.strict_transport_security;
        return !(hsts && hsts.access_control_max_age_sec >= 31536000) && `${d.address}: no HSTS of at least a year`;
      }));
    },
  },
  {
    id: 'CLOUDFRONT-PROD-LOGS',
    reason: 'FSBP CloudFront.5 / CKV_AWS_86: production distributions log access, through standard logging v2 (vended delivery to an ACL-less bucket, configured in us-east-1).',
    scope: 'production',
    check: (json) => {
      const distributions = all(json, 'aws_cloudfront_distribution');
      const sources = all(json, 'aws_cloudwatch_log_delivery_source');
      const deliveries = all(json, 'aws_cloudwatch_log_delivery');
      const destinations = all(json, 'aws_cloudwatch_log_delivery_destination');
      return control(distributions.map((d) => d.address), distributions.flatMap((d) => {
        const source = sources.find((x) => refTarget(x.body.resource_arn) === d.address && x.body.log_type === 'ACCESS_LOGS');
        const delivery = source && deliveries.find((x) => refTarget(x.body.delivery_source_name) === source.address);
        const destination = delivery && destinations.find((x) => refTarget(delivery.body.delivery_destination_arn) === x.address);
        const bucket = refTarget(destination?.body.delivery_destination_configuration?.[0]?.destination_resource_arn);
        // The bucket admits the log delivery of this account's delivery sources only.
        const policy = bucket && attachedTo(json, 'aws_s3_bucket_policy', bucket).map((b) => policyOf(b.body.policy))[0];
        const write = policy && statementsOf(policy).find((st) => st.Principal?.Service === 'delivery.logs.amazonaws.com');
        return [
          !source && `${d.address}: no ACCESS_LOGS delivery source`,
          source && source.body.provider !== 'aws.us_east_1' && `${source.address}: not in us-east-1 (CloudFront's log delivery is configured there)`,
          source && !delivery && `${source.address}: delivered nowhere`,
          delivery && !bucket?.startsWith('aws_s3_bucket.') && `${d.address}: access logs not delivered to a bucket of the stack`,
          bucket && !(write?.Condition?.StringEquals?.['aws:SourceAccount'] && /:delivery-source:/.test(write?.Condition?.ArnLike?.['aws:SourceArn'] ?? '')) && `${bucket}: log delivery not pinned to this account's delivery sources`,
          !!d.body.logging_config && `${d.address}: legacy ACL-based logging_config`,
        ];
      }));
    },
  },

  // ACM
  {
    id: 'ACM-DNS-VALIDATED',
    reason: 'FSBP ACM.1-style / CKV_AWS_233: certificates are DNS-validated (auto-renewing), replaced before destroy, and waited for.',
    scope: 'all',
    // Certificates brought along (domain.certificates) are their owner's to renew: their expiry is alarmed.
    when: (env) => !(env.domain.certificates?.loadBalancer && env.domain.certificates?.cdn),
    check: (json) => {
      const certs = all(json, 'aws_acm_certificate');
      const validations = all(json, 'aws_acm_certificate_validation');
      return control(certs.map((c) => c.address), certs.flatMap((c) => [
        c.body.validation_method !== 'DNS' && `${c.address}: not DNS-validated`,
        c.body.lifecycle?.create_before_destroy !== true && `${c.address}: no create_before_destroy`,
        !validations.some((v) => refTarget(v.body.certificate_arn) === c.address) && `${c.address}: nothing waits for its validation`,
      ]));
    },
  },

  // ECR
  {
    id: 'ECR-REPOSITORY',
    reason: 'FSBP ECR.1/.2/.3 / CKV_AWS_163/51: scan on push, immutable tags, lifecycle policy.',
    scope: 'all',
    check: (json) => {
      const repos = all(json, 'aws_ecr_repository');
      const lifecycles = all(json, 'aws_ecr_lifecycle_policy');
      return control(repos.map((r) => r.address), repos.flatMap((r) => [
        r.body.image_scanning_configuration?.scan_on_push !== true && `${r.address}: no scan on push`,
        r.body.image_tag_mutability !== 'IMMUTABLE' && `${r.address}: mutable tags`,
        !lifecycles.some((l) => refTarget(l.body.repository) === r.address) && `${r.address}: no lifecycle policy`,
      ]));
    },
  },

  // ECS
  {
    id: 'ECS-NO-PUBLIC-IP',
    reason: 'FSBP ECS.2 / CKV_AWS_333: services get no public IP and run in private subnets.',
    scope: 'all',
    check: (json) => {
      const services = all(json, 'aws_ecs_service');
      return control(services.map((s) => s.address), services.flatMap((s) => [
        s.body.network_configuration?.assign_public_ip !== false && `${s.address}: public IP`,
        ...(s.body.network_configuration?.subnets ?? []).map((id: string) => !PRIVATE_SUBNET.test(id) && `${s.address}: non-private subnet`),
      ]));
    },
  },
  {
    id: 'ECS-DEPLOYMENTS',
    reason: 'Failed deployments roll back on their own (deployment circuit breaker with rollback).',
    scope: 'all',
    check: (json) => {
      const services = all(json, 'aws_ecs_service');
      return control(services.map((s) => s.address), services.map((s) => !(s.body.deployment_circuit_breaker?.enable && s.body.deployment_circuit_breaker?.rollback) && `${s.address}: no circuit breaker with rollback`));
    },
  },
  {
    id: 'ECS-PROD-ON-DEMAND',
    reason: 'Production runs the tasks it always runs on demand: Fargate Spot can take a task back at two minutes\' notice, so only tasks above the minimum count may run there (spotFrom).',
    scope: 'production',
    check: (json, env) => {
      const services = all(json, 'aws_ecs_service');
      const processes = [{ name: 'web', minCount: env.compute.web.minCount }, ...env.compute.services, ...env.compute.internalServices, ...env.compute.workers];
      const minimum = new Map(processes.map((p) => [`${env.project}-${env.name}-${p.name}`, p.minCount]));
      return control(services.map((s) => s.address), services.map((s) => {
        const strategy: any[] = s.body.capacity_provider_strategy ?? [];
        if (!strategy.some((c) => c.capacity_provider === 'FARGATE_SPOT')) return false;
        const base = Number(strategy.find((c) => c.capacity_provider === 'FARGATE')?.base ?? 0);
        const min = minimum.get(s.body.name) ?? Number.POSITIVE_INFINITY;
        return base < min && `${s.address}: ${base} task(s) on demand, below the minimum of ${min}`;
      }));
    },
  },
  {
    id: 'ECS-SECRETS-READ-EXACTLY',
    reason: 'Least privilege: an execution role reads exactly the secrets and parameters its containers receive (a secret by name through Secrets Manager\'s six-character suffix, -??????), no other wildcard.',
    scope: 'all',
    check: (json) => {
      const policies = policyDocs(json, 'aws_iam_role_policy').filter((p) => /_execution-policy_/.test(p.address));
      const tasks = all(json, 'aws_ecs_task_definition');
      return control(policies.map((p) => p.address), policies.flatMap((p) => {
        const role = refTarget(json.resource.aws_iam_role_policy[p.address.split('.')[1]].role);
        // What IAM must allow for each reference, derived here on its own (not with the code under test):
        // the ARN without a JSON key; a Secrets Manager secret by name also with Secrets Manager's suffix.
        const resources = (ref: string): string[] => {
          if (ref.startsWith('${')) return [ref.replace(/^(\$\{[^}]+\})(:[^:]*:[^:]*:[^:]*)$/, '$1')];
          const base = ref.split(':').slice(0, 7).join(':');
          if (!base.includes(':secretsmanager:')) return [base];
          return /-[A-Za-z0-9]{6}$/.test(base) ? [base, `${base}-??????`] : [`${base}-??????`];
        };
        const received = new Set(tasks.filter((t) => refTarget(t.body.execution_role_arn) === role)
          .flatMap((t) => JSON.parse(t.body.container_definitions).flatMap((c: any) => (c.secrets ?? []).map((x: any) => x.valueFrom as string)))
          .flatMap(resources));
        const read = statementsOf(p.doc).filter((st) => ['ReadSecrets', 'ReadParameters'].includes(st.Sid)).flatMap((st) => st.Resource as string[]);
        return [
          ...read.filter((r) => !received.has(r)).map((r) => `${p.address}: reads ${r}, which no container of its tasks receives`),
          ...[...received].filter((r) => !read.includes(r)).map((r) => `${p.address}: its containers receive ${r}, which it may not read`),
          ...read.filter((r) => /\*/.test(r) || (/\?/.test(r) && !/-\?{6}$/.test(r))).map((r) => `${p.address}: wildcard in ${r}`),
        ];
      }));
    },
  },
  {
    id: 'ECS-NO-PLAIN-SECRETS',
    reason: 'FSBP ECS.8 / CKV_AWS_334-style: no secret-looking name or value in a container\'s plain environment.',
    scope: 'all',
    check: (json) => {
      const containers = containersOf(json);
      return control(containers.map((c) => c.address), containers.flatMap(({ address: a, c }) => (c.environment ?? []).map((e: any) =>
        (SECRET_NAME.test(e.name) || /:\/\/[^/@]+:[^/@]+@|random_password|secret_string/.test(e.value)) && `${a}: plain variable ${e.name} looks secret`,
      )));
    },
  },
  {
    id: 'ECS-CONTAINERS',
    reason: 'FSBP ECS.4/ECS.9 / CKV_AWS_97: awslogs logging, not privileged, separate execution and task roles.',
    scope: 'all',
    check: (json) => {
      const containers = containersOf(json);
      return control(containers.map((c) => c.address), containers.flatMap(({ address: a, td, c }) => [
        c.logConfiguration?.logDriver !== 'awslogs' && `${a}: container ${c.name} does not log to CloudWatch`,
        c.privileged === true && `${a}: privileged container`,
        (!td.execution_role_arn || td.execution_role_arn === td.task_role_arn) && `${a}: execution and task roles are not separate`,
      ]));
    },
  },
  {
    id: 'ECS-READONLY-ROOT',
    reason: 'FSBP ECS.5 / CKV_AWS_336: containers have a read-only root filesystem.',
    scope: 'all',
    check: (json) => {
      const containers = containersOf(json);
      return control(containers.map((c) => c.address), containers.map(({ address: a, c }) => c.readonlyRootFilesystem !== true && `${a}: container ${c.name} has a writable root filesystem`));
    },
  },
  {
    id: 'ECS-CONTAINER-INSIGHTS',
    reason: 'FSBP ECS.12 / CKV_AWS_65: Container Insights on every cluster.',
    scope: 'all',
    check: (json) => {
      const clusters = all(json, 'aws_ecs_cluster');
      return control(clusters.map((c) => c.address), clusters.map((c) => !(c.body.setting ?? []).some((s: any) => s.name === 'containerInsights' && ['enabled', 'enhanced'].includes(s.value)) && `${c.address}: no Container Insights`));
    },
  },

  // Security groups
  {
    id: 'SG-WORLD-INGRESS',
    reason: 'FSBP EC2.18/EC2.19 / CKV_AWS_24/25/260: the only world-open ingress is the ALB on 80 and 443.',
    scope: 'all',
    check: (json, env) => {
      const rules = all(json, 'aws_vpc_security_group_ingress_rule');
      return control(rules.map((r) => r.address), rules.map((r) => {
        const world = r.body.cidr_ipv4 === '0.0.0.0/0' || r.body.cidr_ipv6 === '::/0';
        const alb = sgOf(json, r.body.security_group_id)?.name === `${env.project}-${env.name}-alb` && [80, 443].includes(r.body.from_port) && r.body.from_port === r.body.to_port;
        return world && !alb && `${r.address}: world ingress on ${r.body.from_port}-${r.body.to_port}`;
      }));
    },
  },
  {
    id: 'SG-DATA-TIER',
    reason: 'Postgres and Redis accept connections only from the app\'s security groups, never from CIDRs.',
    scope: 'all',
    check: (json, env) => {
      const dataGroups = new Set([`${env.project}-${env.name}-db`, `${env.project}-${env.name}-cache`]);
      const apps = appSecurityGroupNames(env);
      const rules = all(json, 'aws_vpc_security_group_ingress_rule').filter((r) => dataGroups.has(sgOf(json, r.body.security_group_id)?.name ?? ''));
      return control(rules.map((r) => r.address), rules.map((r) => {
        const source = sgOf(json, r.body.referenced_security_group_id ?? '')?.name;
        return (!source || !apps.has(source) || r.body.cidr_ipv4 || r.body.cidr_ipv6) && `${r.address}: data tier reachable from ${source ?? r.body.cidr_ipv4 ?? r.body.cidr_ipv6}`;
      }));
    },
  },
  {
    id: 'SG-DESCRIBED',
    reason: 'CKV_AWS_23: every security group and rule says what it is for; rules are standalone, not inline.',
    scope: 'all',
    check: (json) => {
      const groups = all(json, 'aws_security_group');
      const rules = [...all(json, 'aws_vpc_security_group_ingress_rule'), ...all(json, 'aws_vpc_security_group_egress_rule')];
      return control([...groups, ...rules].map((r) => r.address), [
        ...groups.flatMap((g) => [!g.body.description && `${g.address}: no description`, (g.body.ingress || g.body.egress) && `${g.address}: inline rules`]),
        ...rules.map((r) => !r.body.description && `${r.address}: no description`),
      ]);
    },
  },
  {
    id: 'VPC-DEFAULT-SG-CLOSED',
    reason: 'FSBP EC2.2 / CKV2_AWS_12: the VPC default security group allows nothing.',
    scope: 'all',
    // An adopted VPC (network.existing) is its owner's: the stack creates none of it.
    when: (env) => !env.network.existing,
    check: (json) => {
      const defaults = all(json, 'aws_default_security_group');
      return control(defaults.map((d) => d.address), defaults.map((d) => ((d.body.ingress ?? []).length > 0 || (d.body.egress ?? []).length > 0) && `${d.address}: has rules`));
    },
  },
  {
    id: 'VPC-FLOW-LOGS',
    reason: 'FSBP EC2.6 / CKV2_AWS_11: production VPCs record flow logs.',
    scope: 'production',
    // An adopted VPC (network.existing) is its owner's: the stack creates none of it.
    when: (env) => !env.network.existing,
    check: (json) => {
      const vpcs = all(json, 'aws_vpc');
      const logs = all(json, 'aws_flow_log');
      return control(vpcs.map((v) => v.address), vpcs.map((v) => !logs.some((l) => refTarget(l.body.vpc_id) === v.address) && `${v.address}: no flow logs`));
    },
  },

  {
    id: 'INTERNAL-SERVICES-PRIVATE',
    reason: 'An internal service has no public route: no load balancer, found only through a private DNS namespace of the environment\'s VPC, reachable only from the security groups of its callers.',
    scope: 'all',
    when: (env) => env.compute.internalServices.length > 0,
    check: (json) => {
      const namespaces = all(json, 'aws_service_discovery_private_dns_namespace');
      const registered = all(json, 'aws_ecs_service').filter((s) => s.body.service_registries);
      const groups = new Set(registered.flatMap((s) => s.body.network_configuration.security_groups as string[]).map((g) => refTarget(g)));
      const ingress = all(json, 'aws_vpc_security_group_ingress_rule').filter((r) => groups.has(refTarget(r.body.security_group_id)));
      return control([...namespaces, ...registered, ...ingress].map((r) => r.address), [
        ...namespaces.map((n) => !/aws_vpc\.network_vpc|data\.aws_vpcs\.network_existing-vpc/.test(String(n.body.vpc)) && `${n.address}: not in the environment's VPC`),
        ...registered.map((s) => s.body.load_balancer && `${s.address}: behind a load balancer`),
        ...ingress.map((r) => (r.body.cidr_ipv4 || r.body.cidr_ipv6 || !r.body.referenced_security_group_id) && `${r.address}: reachable from ${r.body.cidr_ipv4 ?? r.body.cidr_ipv6 ?? 'anywhere'}`),
        ...registered.length === 0 ? ['aws_ecs_service: no internal service registered'] : [],
      ]);
    },
  },
  {
    id: 'ADOPTED-VPC-CHECKED',
    reason: 'An adopted VPC is checked before anything lands in it: every subnet the stack uses is read by id and must be in the VPC; private ones never route to an internet gateway, public ones do.',
    scope: 'all',
    when: (env) => env.network.existing !== undefined,
    check: (json) => {
      const subnets = dataOf(json, 'aws_subnet');
      const routes = dataOf(json, 'aws_route_table').filter(([name]) => /existing-(public|private)-\d-routes/.test(name));
      const conditions = (body: any) => (body.lifecycle?.postcondition ?? []).map((c: any) => String(c.condition)).join(' ');
      return control([...subnets, ...routes].map(([n]) => n), [
        ...subnets.map(([n, b]) => !/self\.vpc_id ==/.test(conditions(b)) && `data.aws_subnet.${n}: its VPC is not checked`),
        ...routes.map(([n, b]) => !/startswith\(coalesce\(r\.gateway_id, "-"\), "igw-"\)/.test(conditions(b)) && `data.aws_route_table.${n}: its internet route is not checked`),
        ...subnets.length === 0 ? ['data.aws_subnet: no adopted subnet is checked'] : [],
      ]);
    },
  },
  {
    id: 'ADOPTED-DATA-KEPT',
    reason: 'What an environment adopts holds the app\'s data: imported (never created anew), never destroyed or emptied by Terraform, the instance snapshotted if it is ever deleted.',
    scope: 'all',
    when: (env) => env.database.adopt !== undefined || env.assets.adopt !== undefined,
    check: (json, env) => {
      const imports = ((json as any).import ?? []) as { to: string; id: string }[];
      const adoptedBuckets = Object.values(env.assets.adopt ?? {});
      const buckets = all(json, 'aws_s3_bucket').filter((b) => adoptedBuckets.includes(b.body.bucket));
      const dbs = all(json, 'aws_db_instance').filter((d) => d.body.identifier === env.database.adopt?.identifier);
      const imported = (a: string, id: string) => imports.some((i) => i.to === a && i.id === id);
      return control([...buckets, ...dbs].map((r) => r.address), [
        ...(buckets.length !== adoptedBuckets.length ? [`aws_s3_bucket: ${adoptedBuckets.length} adopted, ${buckets.length} synthesized`] : []),
        ...(env.database.adopt && dbs.length !== 1 ? ['aws_db_instance: the adopted instance is not synthesized'] : []),
        ...buckets.flatMap((b) => [
          !imported(b.address, b.body.bucket) && `${b.address}: not imported`,
          b.body.force_destroy !== false && `${b.address}: force_destroy`,
          b.body.lifecycle?.prevent_destroy !== true && `${b.address}: no prevent_destroy`,
        ]),
        ...dbs.flatMap((d) => [
          !imported(d.address, d.body.identifier) && `${d.address}: not imported`,
          d.body.lifecycle?.prevent_destroy !== true && `${d.address}: no prevent_destroy`,
          (d.body.skip_final_snapshot !== false || !d.body.final_snapshot_identifier) && `${d.address}: no final snapshot`,
        ]),
      ]);
    },
  },

  // IAM
  {
    id: 'IAM-NO-WILDCARD-ACTIONS',
    reason: 'FSBP IAM.1/IAM.21 / CKV_AWS_62/63/290: no "*" in actions; "*" resources only for actions without resource-level permissions.',
    scope: 'all',
    check: (json) => {
      const docs = [...policyDocs(json, 'aws_iam_role_policy'), ...policyDocs(json, 'aws_iam_policy')];
      return control(docs.map((d) => d.address), docs.flatMap((d) => statementsOf(d.doc).flatMap((s) => [
        s.Action.some((a: string) => a.includes('*')) && `${d.address}: wildcard action in ${s.Sid ?? 'statement'}`,
        s.Effect === 'Allow' && s.Resource.includes('*') && !s.Action.every((a: string) => RESOURCE_STAR_ACTIONS.has(a)) && `${d.address}: "*" resource for ${s.Action.join(', ')}`,
      ])));
    },
  },
  {
    id: 'IAM-NO-ADMIN',
    reason: 'FSBP IAM.1: no administrator or full-access managed policy on any role.',
    scope: 'all',
    check: (json) => {
      const roles = all(json, 'aws_iam_role');
      const attachments = all(json, 'aws_iam_role_policy_attachment');
      return control(roles.map((r) => r.address), [
        ...attachments.map((a) => ADMIN_POLICIES.test(a.body.policy_arn) && `${a.address}: attaches ${a.body.policy_arn}`),
        ...roles.map((r) => (r.body.managed_policy_arns ?? []).some((arn: string) => ADMIN_POLICIES.test(arn)) && `${r.address}: admin managed policy`),
        ...roles.flatMap((r) => statementsOf(policyOf(r.body.assume_role_policy)).map((s) => !s.Principal?.Service && `${r.address}: trusts a non-service principal`)),
      ]);
    },
  },

  {
    id: 'IAM-WORKLOAD-BOUNDARY',
    reason: 'With delivery, the deploy role writes these roles: each carries the boundary, so none can exceed it (no escalation through a task role).',
    scope: 'all',
    when: (env) => env.delivery !== undefined,
    check: (json, env) => {
      const roles = all(json, 'aws_iam_role');
      return control(roles.map((r) => r.address), roles.map((r) => r.body.permissions_boundary !== workloadBoundaryArn(env) && `${r.address}: permissions_boundary is ${r.body.permissions_boundary ?? 'missing'}`));
    },
  },

  // Logs
  {
    id: 'LOGS-RETENTION',
    reason: 'CKV_AWS_338-style: every log group has a finite retention period (no logs kept forever by accident).',
    scope: 'all',
    check: (json) => {
      const groups = all(json, 'aws_cloudwatch_log_group');
      return control(groups.map((g) => g.address), groups.map((g) => !(g.body.retention_in_days > 0) && `${g.address}: no retention`));
    },
  },

  // Secrets
  {
    id: 'SECRETS-OUT-OF-STATE',
    reason: 'Generated secrets never enter Terraform state: ephemeral generator, write-only secret version (Terraform 1.11, provider 5.100).',
    scope: 'all',
    check: (json) => {
      const versions = all(json, 'aws_secretsmanager_secret_version');
      return control(versions.map((v) => v.address), [
        ...versions.map((v) => (v.body.secret_string !== undefined || !/^\$\{ephemeral\./.test(v.body.secret_string_wo ?? '')) && `${v.address}: value not write-only from an ephemeral generator`),
        ...Object.keys(json.data?.aws_secretsmanager_random_password ?? {}).map((n) => `data.aws_secretsmanager_random_password.${n}: its result is stored in state`),
      ]);
    },
  },
  {
    id: 'DB-MASTER-ADMIN-ONLY',
    reason: 'The app never uses the RDS master user: only the database-admin task reads the rotating master secret; apps use IAM authentication.',
    scope: 'all',
    check: (json) => {
      const containers = containersOf(json);
      return control(containers.map((c) => c.address), containers.flatMap(({ address: a, td, c }) => [
        JSON.stringify(c.secrets ?? []).includes('master_user_secret') && !String(td.family).endsWith('-db-admin') && `${a}: app container reads the master secret`,
        (c.environment ?? []).some((e: any) => e.name === 'DATABASE_PASSWORD') && `${a}: database password in the environment`,
      ]));
    },
  },

  // Replacement safety and placement
  {
    id: 'REPLACEABLE-NAMES',
    reason: 'Resources a change can force to be replaced while in use (security groups, target groups) are named by prefix and created before destroy.',
    scope: 'all',
    check: (json) => {
      const named = [...all(json, 'aws_security_group'), ...all(json, 'aws_lb_target_group')];
      return control(named.map((r) => r.address), named.flatMap((r) => [
        (r.body.name !== undefined || !r.body.name_prefix) && `${r.address}: fixed name`,
        r.body.lifecycle?.create_before_destroy !== true && `${r.address}: no create_before_destroy`,
      ]));
    },
  },
  {
    id: 'SUBNETS-PINNED',
    reason: 'Subnets are pinned to configured zones; a health-filtered zone lookup would re-plan every subnet during an AZ incident.',
    scope: 'all',
    // An adopted VPC (network.existing) is its owner's: the stack creates none of it.
    when: (env) => !env.network.existing,
    check: (json) => {
      const subnets = all(json, 'aws_subnet');
      return control(subnets.map((s) => s.address), [
        ...subnets.map((s) => !/^[a-z]{2}-?[a-z0-9-]*\d(-az\d+|[a-z])$|^[a-z]+\d-az\d+$/.test(s.body.availability_zone_id ?? s.body.availability_zone ?? '') && `${s.address}: zone not a literal`),
        ...Object.keys(json.data?.aws_availability_zones ?? {}).map((n) => `data.aws_availability_zones.${n}: zones looked up`),
      ]);
    },
  },
  {
    id: 'DNS-ALIAS-HEALTH',
    reason: 'Route53 alias records evaluate target health for load balancers only; AWS does not support it for CloudFront targets.',
    scope: 'all',
    check: (json) => {
      const aliases = all(json, 'aws_route53_record').filter((r) => r.body.alias);
      return control(aliases.map((r) => r.address), aliases.map((r) => {
        const cloudfront = /aws_cloudfront_distribution/.test(r.body.alias.name);
        return r.body.alias.evaluate_target_health !== !cloudfront && `${r.address}: evaluate_target_health ${r.body.alias.evaluate_target_health} for a ${cloudfront ? 'CloudFront' : 'load balancer'} target`;
      }));
    },
  },
  {
    id: 'CLOUDFRONT-CORS-CACHE-KEY',
    reason: 'A distribution in front of a CORS-enabled bucket keys its cache on Origin, or one origin is served another\'s Access-Control-Allow-Origin.',
    scope: 'all',
    check: (json) => {
      const distributions = all(json, 'aws_cloudfront_distribution');
      return control(distributions.map((d) => d.address), distributions.map((d) => {
        const policy = refTarget(d.body.default_cache_behavior?.cache_policy_id);
        const body = policy && json.resource.aws_cloudfront_cache_policy?.[policy.split('.')[1]];
        const headers: string[] = body?.parameters_in_cache_key_and_forwarded_to_origin?.headers_config?.headers?.items ?? [];
        return !headers.includes('Origin') && `${d.address}: cache key without Origin`;
      }));
    },
  },
  {
    id: 'VPC-ENDPOINTS-PRIVATE',
    reason: 'Without NAT, interface endpoints serve the AWS APIs with private DNS, reachable on 443 from the app security groups only.',
    scope: 'all',
    when: (env) => env.network.natMode === 'none',
    check: (json, env) => {
      const endpoints = all(json, 'aws_vpc_endpoint').filter((e) => e.body.vpc_endpoint_type === 'Interface');
      const groups = new Set(endpoints.flatMap((e) => e.body.security_group_ids ?? []).map((id: string) => sgOf(json, id)?.name));
      const rules = all(json, 'aws_vpc_security_group_ingress_rule').filter((r) => groups.has(sgOf(json, r.body.security_group_id)?.name));
      const apps = appSecurityGroupNames(env);
      return control(endpoints.map((e) => e.address), [
        ...endpoints.map((e) => e.body.private_dns_enabled !== true && `${e.address}: no private DNS`),
        ...rules.map((r) => (r.body.cidr_ipv4 || !apps.has(sgOf(json, r.body.referenced_security_group_id ?? '')?.name ?? '') || r.body.from_port !== 443) && `${r.address}: endpoint reachable beyond the app groups on 443`),
      ]);
    },
  },

  // Monitoring
  {
    id: 'ALERT-TOPICS-CMK',
    reason: 'FSBP SNS.1 / CKV_AWS_26: alert topics are encrypted with a customer-managed key whose policy admits CloudWatch (alias/aws/sns silently drops alarm notifications).',
    scope: 'all',
    check: (json) => {
      const topics = all(json, 'aws_sns_topic').filter((t) => /-alerts-/.test(t.body.name));
      return control(topics.map((t) => t.address), topics.map((t) => {
        const key = refTarget(t.body.kms_master_key_id);
        const body = key && json.resource.aws_kms_key?.[key.split('.')[1]];
        const admits = body && statementsOf(policyOf(body.policy)).some((s) => s.Effect === 'Allow' && [s.Principal?.Service].flat().includes('cloudwatch.amazonaws.com'));
        return !admits && `${t.address}: not encrypted with a key CloudWatch may use`;
      }));
    },
  },
  {
    id: 'APP-TOPICS-SCOPED',
    reason: 'FSBP SNS.1 / CKV_AWS_26, SQS developer guide (security best practices, least privilege): app topics are encrypted with a rotated key of this stack; only the task roles of their publishers may publish, never without TLS; each subscribed queue admits SNS for this stack\'s topics only (aws:SourceArn) and no request without TLS; every subscription delivers to a queue of this stack.',
    scope: 'all',
    when: (env) => env.compute.topics.length > 0,
    check: (json) => {
      const topics = all(json, 'aws_sns_topic').filter((t) => /-topic-/.test(t.body.name));
      const topicAddresses = new Set(topics.map((t) => t.address));
      // Queues may also be fed by the stack's other topics (the SES feedback topic: EMAIL-SCOPED).
      const stackTopics = new Set(all(json, 'aws_sns_topic').map((t) => t.address));
      const policies = all(json, 'aws_sns_topic_policy').filter((p) => topicAddresses.has(refTarget(p.body.arn) ?? ''));
      const queuePolicies = all(json, 'aws_sqs_queue_policy');
      const subscriptions = all(json, 'aws_sns_topic_subscription').filter((s) => topicAddresses.has(refTarget(s.body.topic_arn) ?? ''));
      const tlsDenied = (doc: { Statement: any[] }) => statementsOf(doc).some((st) => st.Effect === 'Deny' && st.Principal === '*' && st.Condition?.Bool?.['aws:SecureTransport'] === 'false');
      return control([...topics, ...policies, ...queuePolicies, ...subscriptions].map((r) => r.address), [
        ...topics.map((t) => {
          const key = refTarget(t.body.kms_master_key_id);
          return !(key && json.resource.aws_kms_key?.[key.split('.')[1]]?.enable_key_rotation === true) && `${t.address}: not encrypted with a rotated key of this stack`;
        }),
        ...topics.map((t) => !policies.some((p) => refTarget(p.body.arn) === t.address) && `${t.address}: no topic policy`),
        ...policies.flatMap((p) => {
          const doc = policyOf(p.body.policy);
          return [
            !tlsDenied(doc) && `${p.address}: publishing without TLS not denied`,
            ...statementsOf(doc).filter((st) => st.Effect === 'Allow').map((st) =>
              !(st.Action.every((a: string) => a === 'sns:Publish') && [st.Principal?.AWS].flat().every((r: unknown) => /^aws_iam_role\./.test(refTarget(r) ?? ''))) && `${p.address}: admits more than the publishers' task roles (${JSON.stringify(st.Principal)} ${st.Action})`),
          ];
        }),
        ...queuePolicies.flatMap((p) => {
          const doc = policyOf(p.body.policy);
          return [
            !tlsDenied(doc) && `${p.address}: requests without TLS not denied`,
            ...statementsOf(doc).filter((st) => st.Effect === 'Allow').map((st) => {
              const sources = [st.Condition?.ArnEquals?.['aws:SourceArn']].flat();
              return !(st.Principal?.Service === 'sns.amazonaws.com' && st.Action.join() === 'sqs:SendMessage' && sources.length > 0 && sources.every((a: unknown) => stackTopics.has(refTarget(a) ?? ''))) && `${p.address}: admits more than SNS delivering this stack's topics`;
            }),
          ];
        }),
        ...subscriptions.map((s) => !(s.body.protocol === 'sqs' && /^aws_sqs_queue\./.test(refTarget(s.body.endpoint) ?? '')) && `${s.address}: delivers outside the stack's queues`),
      ]);
    },
  },
  {
    id: 'EMAIL-SCOPED',
    reason: 'SES developer guide (DKIM, custom MAIL FROM, configuration sets, event publishing to SNS; "Controlling access to Amazon SES": ses:FromAddress), FSBP SNS.1: the identity signs with Easy DKIM (2048-bit) and sends every message through its configuration set, which requires TLS to receivers and suppresses bounces and complaints; the feedback topic is encrypted with a rotated key of this stack, and the topic and key admit only SES for this configuration set of this account, never without TLS; the task roles may send only through this identity and configuration set, only from the configured addresses.',
    scope: 'all',
    when: (env) => env.email !== undefined,
    check: (json, env) => {
      const identities = all(json, 'aws_sesv2_email_identity');
      const sets = all(json, 'aws_sesv2_configuration_set');
      const topics = all(json, 'aws_sns_topic').filter((t) => /-email-events$/.test(t.body.name));
      const topicAddresses = new Set(topics.map((t) => t.address));
      const policies = all(json, 'aws_sns_topic_policy').filter((p) => topicAddresses.has(refTarget(p.body.arn) ?? ''));
      const keys = topics.map((t) => refTarget(t.body.kms_master_key_id)).filter((k): k is string => Boolean(k)).map((k) => ({ address: k, body: json.resource.aws_kms_key?.[k.split('.')[1]] }));
      const setArn = `arn:aws:ses:${env.region}:${env.accountId}:configuration-set/${sets[0]?.body.configuration_set_name}`;
      const onlySesOfTheSet = (st: any) => st.Principal?.Service === 'ses.amazonaws.com' && st.Condition?.StringEquals?.['aws:SourceAccount'] === env.accountId && st.Condition?.ArnLike?.['aws:SourceArn'] === setArn;
      const senders = all(json, 'aws_iam_role_policy').flatMap((p) => statementsOf(policyOf(p.body.policy)).filter((st) => [st.Action].flat().some((a: string) => a.startsWith('ses:'))).map((st) => ({ address: p.address, st })));
      return control([...identities, ...sets, ...topics, ...policies, ...keys, ...senders].map((r) => r.address), [
        ...identities.map((i) => !(i.body.dkim_signing_attributes?.next_signing_key_length === 'RSA_2048_BIT' && i.body.configuration_set_name) && `${i.address}: not Easy DKIM 2048 with a default configuration set`),
        ...sets.map((c) => !(c.body.delivery_options?.tls_policy === 'REQUIRE' && [...(c.body.suppression_options?.suppressed_reasons ?? [])].sort().join() === 'BOUNCE,COMPLAINT' && c.body.reputation_options?.reputation_metrics_enabled === true) && `${c.address}: TLS not required, bounces/complaints not suppressed or reputation metrics off`),
        ...keys.map((k) => !(k.body?.enable_key_rotation === true && statementsOf(policyOf(k.body.policy)).filter((st) => st.Principal?.Service).every(onlySesOfTheSet)) && `${k.address}: not rotated, or admits a service other than SES for this configuration set`),
        ...topics.map((t) => !policies.some((p) => refTarget(p.body.arn) === t.address) && `${t.address}: no topic policy`),
        ...policies.flatMap((p) => {
          const doc = policyOf(p.body.policy);
          return [
            !statementsOf(doc).some((st) => st.Effect === 'Deny' && st.Condition?.Bool?.['aws:SecureTransport'] === 'false') && `${p.address}: publishing without TLS not denied`,
            ...statementsOf(doc).filter((st) => st.Effect === 'Allow').map((st) => !onlySesOfTheSet(st) && `${p.address}: admits more than SES for this configuration set (${JSON.stringify(st.Principal)})`),
          ];
        }),
        ...senders.map(({ address, st }) => {
          const resources = [st.Resource].flat().map((r: unknown) => refTarget(r) ?? String(r));
          const from = [st.Condition?.StringEquals?.['ses:FromAddress']].flat();
          return !([st.Action].flat().join() === 'ses:SendEmail' && resources.every((r: string) => /^aws_sesv2_(email_identity|configuration_set)\./.test(r)) && from.length > 0 && from.every((a: string) => env.email!.from.includes(a))) && `${address}: sends more than ses:SendEmail through the identity from the configured addresses`;
        }),
      ]);
    },
  },
  {
    id: 'SERVICE-PUBLISHERS-SCOPED',
    reason: 'Confused deputy (IAM user guide; SNS developer guide, key management, step 3): every AWS service a topic or key policy admits is pinned to this account (aws:SourceAccount) and its own resources (aws:SourceArn), where AWS supports it.',
    scope: 'all',
    check: (json) => {
      const docs = [
        ...all(json, 'aws_sns_topic_policy').map((t) => ({ address: t.address, doc: policyOf(t.body.policy) })),
        ...all(json, 'aws_kms_key').map((k) => ({ address: k.address, doc: policyOf(k.body.policy) })),
      ];
      return control(docs.map((d) => d.address), docs.flatMap((d) => statementsOf(d.doc).filter((st) => st.Effect === 'Allow' && st.Principal?.Service).flatMap((st) => [st.Principal.Service].flat().map((service: string) =>
        !(st.Condition?.StringEquals?.['aws:SourceAccount'] && st.Condition?.ArnLike?.['aws:SourceArn']) && `${d.address}: ${service} without aws:SourceAccount/aws:SourceArn`))));
    },
  },
  {
    id: 'KMS-ROTATION',
    reason: 'FSBP KMS.4 / CKV_AWS_7: customer-managed keys rotate yearly.',
    scope: 'all',
    check: (json) => {
      const keys = all(json, 'aws_kms_key');
      return control(keys.map((k) => k.address), keys.map((k) => k.body.enable_key_rotation !== true && `${k.address}: no key rotation`));
    },
  },
  {
    id: 'ALARMS-ACTIONABLE',
    reason: 'Every alarm notifies someone, says what it means and what to do first, and treats missing data deliberately.',
    scope: 'all',
    check: (json) => {
      const alarms = all(json, 'aws_cloudwatch_metric_alarm');
      return control(alarms.map((a) => a.address), alarms.flatMap((a) => [
        !(a.body.alarm_actions ?? []).length && `${a.address}: no alarm actions`,
        !/First: /.test(a.body.alarm_description ?? '') && `${a.address}: no runbook line`,
        !a.body.treat_missing_data && `${a.address}: missing-data rule left to the default`,
      ]));
    },
  },

  // Workloads
  {
    id: 'SQS-ENCRYPTED',
    reason: 'FSBP SQS.1 / CKV_AWS_27: every queue is encrypted at rest (SSE-SQS or KMS).',
    scope: 'all',
    when: (env) => env.compute.queues.length + env.compute.jobs.length > 0,
    check: (json) => {
      const queues = all(json, 'aws_sqs_queue');
      return control(queues.map((q) => q.address), queues.map((q) => !(q.body.sqs_managed_sse_enabled === true || q.body.kms_master_key_id) && `${q.address}: not encrypted`));
    },
  },
  {
    id: 'SQS-DEAD-LETTERS',
    reason: 'Every work queue moves repeatedly failing messages to a dead-letter queue instead of retrying them forever.',
    scope: 'all',
    when: (env) => env.compute.queues.length + env.compute.jobs.length > 0,
    check: (json) => {
      const queues = all(json, 'aws_sqs_queue');
      const dlqs = new Set(queues.flatMap((q) => (q.body.redrive_policy ? [refTarget(JSON.parse(q.body.redrive_policy).deadLetterTargetArn)] : [])));
      const work = queues.filter((q) => !dlqs.has(q.address));
      return control(work.map((q) => q.address), work.map((q) => {
        const redrive = q.body.redrive_policy ? JSON.parse(q.body.redrive_policy) : undefined;
        return !(redrive && refTarget(redrive.deadLetterTargetArn) && redrive.maxReceiveCount >= 1) && `${q.address}: no dead-letter queue`;
      }));
    },
  },
  {
    id: 'SCHEDULER-ROLE-SCOPED',
    reason: 'The job scheduler may start one task family on one cluster and pass only that task\'s roles to ECS.',
    scope: 'all',
    when: (env) => env.compute.jobs.length > 0,
    check: (json) => {
      const roles = all(json, 'aws_iam_role').filter((r) => statementsOf(policyOf(r.body.assume_role_policy)).some((s) => s.Principal?.Service === 'scheduler.amazonaws.com'));
      const policies = all(json, 'aws_iam_role_policy').filter((p) => roles.some((r) => refTarget(p.body.role) === r.address));
      return control(policies.map((p) => p.address), policies.flatMap((p) => statementsOf(policyOf(p.body.policy)).flatMap((s) => [
        s.Action.includes('ecs:RunTask') && !(s.Condition?.ArnEquals?.['ecs:cluster'] && s.Resource.every((r: string) => /:task-definition\//.test(r))) && `${p.address}: RunTask not limited to a task family on one cluster`,
        s.Action.includes('iam:PassRole') && !(s.Condition?.StringEquals?.['iam:PassedToService'] === 'ecs-tasks.amazonaws.com' && !s.Resource.includes('*')) && `${p.address}: PassRole not limited to the task's roles`,
      ])));
    },
  },

  // Protection
  {
    id: 'WAF-ON-PRODUCTION-ALB',
    reason: 'FSBP WAF.1/ELB.16-style / CKV2_AWS_28: every production load balancer is behind a web ACL.',
    scope: 'production',
    check: (json) => {
      const lbs = all(json, 'aws_lb');
      const associations = all(json, 'aws_wafv2_web_acl_association');
      return control(lbs.map((l) => l.address), lbs.map((l) => !associations.some((a) => refTarget(a.body.resource_arn) === l.address && refTarget(a.body.web_acl_arn)?.startsWith('aws_wafv2_web_acl.')) && `${l.address}: no web ACL`));
    },
  },
  {
    id: 'WAF-LOGS-REDACTED',
    reason: 'FSBP WAF.11 / CKV2_AWS_31: web ACLs log, to an aws-waf-logs- destination, without credentials (Authorization) or sessions (Cookie).',
    scope: 'all',
    when: (env) => env.waf.mode !== 'off',
    check: (json) => {
      const acls = all(json, 'aws_wafv2_web_acl');
      const logging = all(json, 'aws_wafv2_web_acl_logging_configuration');
      return control(acls.map((a) => a.address), acls.map((a) => {
        const config = logging.find((l) => refTarget(l.body.resource_arn) === a.address)?.body;
        const redacted = new Set((config?.redacted_fields ?? []).map((f: any) => f.single_header?.name));
        const destination = refTarget(config?.log_destination_configs?.[0]);
        const group = destination && json.resource.aws_cloudwatch_log_group?.[destination.split('.')[1]];
        return !(config && redacted.has('authorization') && redacted.has('cookie') && String(group?.name).startsWith('aws-waf-logs-')) && `${a.address}: no redacted WAF log`;
      }));
    },
  },

  // State
  {
    id: 'STATE-ENCRYPTED-LOCKED',
    reason: 'State holds resource attributes: encrypted, locked, one key per environment.',
    scope: 'all',
    check: (json, env) => {
      const s3 = json.terraform.backend?.s3;
      const cloud = json.terraform.cloud;
      if (cloud) return control(['terraform.cloud'], []);
      return control(['terraform.backend.s3'], [
        !s3 && 'terraform.backend: no S3 or cloud backend',
        s3 && s3.encrypt !== true && 'terraform.backend.s3: encrypt is not true',
        s3 && s3.use_lockfile !== true && !s3.dynamodb_table && 'terraform.backend.s3: no locking',
        s3 && !String(s3.key).includes(`/${env.name}/`) && `terraform.backend.s3: key ${s3.key} is not per environment`,
      ]);
    },
  },
];

// ---------------------------------------------------------------------------------------------

/**
 * What the suite runs on: the shipped environments, a minimal environment (only what an
 * environment must state, the rest defaulted), and an isolated one (natMode "none").
 */
const minimalDev = defineEnvironment({
  project: 'webapp', region: 'eu-west-1', accountId: '123456789012', name: 'dev', production: false,
  domain: { name: 'dev.example.com', dns: { zoneMode: 'lookup', zoneName: 'example.com', exportRecords: false } },
  network: { cidr: '10.30.0.0/16' },
});
const isolated = withConfig(staging, (c) => {
  c.name = 'iso';
  c.domain.name = 'iso.example.com';
  c.network.natMode = 'none';
  withoutEmail(c); // SES needs a NAT
});
/** A production moved in from elsewhere: its VPC, certificates, database and buckets adopted (docs/migrating.md). */
const moved = withConfig(withTopics(withInternalService(adoptingEverything(prod))), (c) => {
  c.name = 'moved';
  c.domain.name = 'moved.example.com';
  emailAt(c, 'moved.example.com');
  delete c.delivery;
});
/** The adopting variant, synthesized once for this file (each use gets its own copy). */
let movedSynth: TfJson | undefined;
const movedJson = () => structuredClone((movedSynth ??= synthEnv(moved)));

const SUBJECTS: { env: EnvironmentConfig; json: () => TfJson }[] = [
  ...environments.map((env) => ({ env, json: () => shipped(env.name as 'staging' | 'prod') })),
  { env: minimalDev, json: () => synthEnv(minimalDev) },
  { env: isolated, json: () => synthEnv(isolated) },
  { env: moved, json: movedJson },
];

describe.each(SUBJECTS.map((s) => [s.env.name, s] as const))('%s', (name, subject) => {
  const env = subject.env;
  const json = subject.json();
  const inScope = CONTROLS.filter((c) => (c.scope === 'all' || env.production) && (c.when?.(env) ?? true));
  const exceptionsFor = (id: string) => EXCEPTIONS.filter((e) => e.control === id && (e.environments === 'all' || e.environments.includes(name)));

  test.each(inScope.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const { checked, violations } = c.check(json, env);
    expect(checked.length).toBeGreaterThan(0);
    const unexcused = violations.filter((v) => !exceptionsFor(c.id).some((e) => e.match.test(v)));
    expect(unexcused).toEqual([]);
  });

  test('every exception for this environment still matches a violation (no stale exceptions)', () => {
    const stale = EXCEPTIONS.filter((e) => e.environments === 'all' || e.environments.includes(name)).filter((e) => {
      const c = CONTROLS.find((x) => x.id === e.control);
      return !c || !c.check(json, env).violations.some((v) => e.match.test(v));
    });
    expect(stale.map((e) => `${e.control} ${e.match}`)).toEqual([]);
  });
});

test('every control runs on at least one subject (none is dead)', () => {
  const dead = CONTROLS.filter((c) => !SUBJECTS.some((s) => (c.scope === 'all' || s.env.production) && (c.when?.(s.env) ?? true)));
  expect(dead.map((c) => c.id)).toEqual([]);
});

test('ARNs are built in one place (src/lib/naming.ts), in the partition of the region: no literal "arn:aws:" elsewhere in src/', () => {
  const root = path.join(__dirname, '..', 'src');
  const offenders: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith('.ts') && !file.endsWith(path.join('lib', 'naming.ts')) && /arn:aws[a-z-]*:/.test(fs.readFileSync(file, 'utf8'))) offenders.push(path.relative(root, file));
    }
  };
  walk(root);
  expect(offenders).toEqual([]);
});

test('controls have unique ids and a reason; exceptions name a control and give a reason', () => {
  const ids = CONTROLS.map((c) => c.id);
  expect(new Set(ids).size).toBe(ids.length);
  CONTROLS.forEach((c) => expect(c.reason.length).toBeGreaterThan(20));
  EXCEPTIONS.forEach((e) => {
    expect(ids).toContain(e.control);
    expect(e.reason.length).toBeGreaterThan(20);
  });
});

test('CLOUDFRONT-PROD-LOGS reports a production distribution whose logs go nowhere, or the legacy way', () => {
  const control = CONTROLS.find((c) => c.id === 'CLOUDFRONT-PROD-LOGS')!;
  const prodEnv = environments.find((e) => e.production)!;
  const violations = (change: (j: TfJson) => void) => {
    const j = structuredClone(shipped('prod'));
    change(j);
    return control.check(j, prodEnv).violations;
  };
  expect(violations(() => undefined)).toEqual([]);
  expect(violations((j) => delete j.resource.aws_cloudwatch_log_delivery)).toEqual([expect.stringMatching(/delivered nowhere/)]);
  expect(violations((j) => delete j.resource.aws_cloudwatch_log_delivery_source)).toEqual([expect.stringMatching(/no ACCESS_LOGS delivery source/)]);
  expect(violations((j) => ((Object.values(j.resource.aws_cloudwatch_log_delivery_source)[0] as any).provider = undefined))).toEqual([expect.stringMatching(/not in us-east-1/)]);
  expect(violations((j) => ((Object.values(j.resource.aws_cloudfront_distribution)[0] as any).logging_config = { bucket: 'x' }))).toEqual([expect.stringMatching(/legacy ACL-based logging_config/)]);
  expect(violations((j) => {
    const policy = Object.values(j.resource.aws_s3_bucket_policy).find((p: any) => p.policy.includes('delivery.logs.amazonaws.com')) as any;
    policy.policy = policy.policy.replace('aws:SourceAccount', 'aws:SourceOwner');
  })).toEqual([expect.stringMatching(/log delivery not pinned to this account's delivery sources/)]);
});

describe('the controls catch what they guard against', () => {
  const broken = (change: (json: TfJson) => void): TfJson => {
    const json = structuredClone(shipped('staging'));
    change(json);
    return json;
  };
  const violationsOf = (id: string, json: TfJson) => CONTROLS.find((c) => c.id === id)!.check(json, environments[0]).violations;
  const first = (json: TfJson, type: string) => Object.values(json.resource[type])[0] as any;

  test.each([
    ['S3-PUBLIC-ACCESS-BLOCK', (j: TfJson) => (first(j, 'aws_s3_bucket_public_access_block').block_public_policy = false)],
    ['S3-NO-ANONYMOUS', (j: TfJson) => {
      const policy = first(j, 'aws_s3_bucket_policy');
      const doc = JSON.parse(policy.policy);
      doc.Statement.push({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' });
      policy.policy = JSON.stringify(doc);
    }],
    ['RDS-ENCRYPTED', (j: TfJson) => (first(j, 'aws_db_instance').storage_encrypted = false)],
    ['ELASTICACHE-ENCRYPTION', (j: TfJson) => (first(j, 'aws_elasticache_replication_group').transit_encryption_mode = 'preferred')],
    ['SG-WORLD-INGRESS', (j: TfJson) => (j.resource.aws_vpc_security_group_ingress_rule.ssh = { security_group_id: 'x', cidr_ipv4: '0.0.0.0/0', from_port: 22, to_port: 22, description: 'ssh' })],
    ['IAM-NO-WILDCARD-ACTIONS', (j: TfJson) => {
      const policy = first(j, 'aws_iam_role_policy');
      policy.policy = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] });
    }],
    ['ECS-NO-PLAIN-SECRETS', (j: TfJson) => {
      const td = first(j, 'aws_ecs_task_definition');
      const defs = JSON.parse(td.container_definitions);
      defs[0].environment.push({ name: 'STRIPE_SECRET', value: 'sk_live_x' });
      td.container_definitions = JSON.stringify(defs);
    }],
    ['LOGS-RETENTION', (j: TfJson) => delete first(j, 'aws_cloudwatch_log_group').retention_in_days],
    ['SECRETS-OUT-OF-STATE', (j: TfJson) => {
      const version = first(j, 'aws_secretsmanager_secret_version');
      version.secret_string = version.secret_string_wo;
      delete version.secret_string_wo;
    }],
    ['REPLACEABLE-NAMES', (j: TfJson) => {
      const tg = first(j, 'aws_lb_target_group');
      tg.name = 'webapp-staging-web';
      delete tg.lifecycle;
    }],
    ['DNS-ALIAS-HEALTH', (j: TfJson) => {
      const record = Object.values(j.resource.aws_route53_record).find((r: any) => /cloudfront/.test(r.alias?.name ?? '')) as any;
      record.alias.evaluate_target_health = true;
    }],
    ['CLOUDFRONT-CORS-CACHE-KEY', (j: TfJson) => (first(j, 'aws_cloudfront_cache_policy').parameters_in_cache_key_and_forwarded_to_origin.headers_config.headers.items = ['Accept'])],
    ['DB-MASTER-ADMIN-ONLY', (j: TfJson) => {
      const td = Object.values(j.resource.aws_ecs_task_definition).find((t: any) => t.family.endsWith('-web')) as any;
      const defs = JSON.parse(td.container_definitions);
      defs[0].secrets.push({ name: 'DATABASE_PASSWORD', valueFrom: '${aws_db_instance.x.master_user_secret[0].secret_arn}:password::' });
      td.container_definitions = JSON.stringify(defs);
    }],
    ['ALERT-TOPICS-CMK', (j: TfJson) => (first(j, 'aws_sns_topic').kms_master_key_id = 'alias/aws/sns')],
    ['KMS-ROTATION', (j: TfJson) => (first(j, 'aws_kms_key').enable_key_rotation = false)],
    ['WAF-LOGS-REDACTED', (j: TfJson) => (first(j, 'aws_wafv2_web_acl_logging_configuration').redacted_fields = [])],
    ['SQS-ENCRYPTED', (j: TfJson) => (first(j, 'aws_sqs_queue').sqs_managed_sse_enabled = false)],
    ['SQS-DEAD-LETTERS', (j: TfJson) => Object.values(j.resource.aws_sqs_queue).forEach((q: any) => delete q.redrive_policy)],
    ['SCHEDULER-ROLE-SCOPED', (j: TfJson) => {
      const policy = Object.values(j.resource.aws_iam_role_policy).find((p: any) => p.policy.includes('iam:PassRole')) as any;
      const doc = JSON.parse(policy.policy);
      doc.Statement.find((st: any) => st.Action === 'iam:PassRole').Resource = '*';
      policy.policy = JSON.stringify(doc);
    }],
    ['ALARMS-ACTIONABLE', (j: TfJson) => (first(j, 'aws_cloudwatch_metric_alarm').alarm_actions = [])],
    ['IAM-WORKLOAD-BOUNDARY', (j: TfJson) => delete first(j, 'aws_iam_role').permissions_boundary],
    ['SUBNETS-PINNED', (j: TfJson) => (first(j, 'aws_subnet').availability_zone_id = '${element(data.aws_availability_zones.zones.names, 0)}')],
    ['SERVICE-PUBLISHERS-SCOPED', (j: TfJson) => {
      const policy = first(j, 'aws_sns_topic_policy');
      const doc = JSON.parse(policy.policy);
      delete doc.Statement.find((st: any) => st.Principal?.Service === 'cloudwatch.amazonaws.com').Condition.ArnLike;
      policy.policy = JSON.stringify(doc);
    }],
    ['ECS-SECRETS-READ-EXACTLY', (j: TfJson) => {
      const policy = Object.values(j.resource.aws_iam_role_policy).find((p: any) => p.policy.includes('ReadSecrets')) as any;
      const doc = JSON.parse(policy.policy);
      doc.Statement.find((st: any) => st.Sid === 'ReadSecrets').Resource = ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:*'];
      policy.policy = JSON.stringify(doc);
    }],
  ])('%s reports a deliberately broken stack', (id, change) => {
    expect(violationsOf(id, shipped('staging')).length).toBeLessThan(violationsOf(id, broken(change)).length);
  });
});

test('ECS-PROD-ON-DEMAND reports a production service whose always-running tasks may land on Spot', () => {
  const control = CONTROLS.find((c) => c.id === 'ECS-PROD-ON-DEMAND')!;
  const prodEnv = environments.find((e) => e.production)!;
  const j = structuredClone(shipped('prod'));
  expect(control.check(j, prodEnv).violations).toEqual([]);
  const api = Object.values(j.resource.aws_ecs_service).find((s: any) => s.name === 'webapp-prod-api') as any;
  delete api.launch_type;
  api.capacity_provider_strategy = [{ capacity_provider: 'FARGATE', base: 1, weight: 0 }, { capacity_provider: 'FARGATE_SPOT', weight: 1 }];
  expect(control.check(j, prodEnv).violations).toEqual([expect.stringMatching(/1 task\(s\) on demand, below the minimum of 2/)]);
  api.capacity_provider_strategy[0].base = 2;
  expect(control.check(j, prodEnv).violations).toEqual([]);
});

describe('the adoption controls catch what they guard against', () => {
  const violationsOf = (id: string, json: TfJson) => CONTROLS.find((c) => c.id === id)!.check(json, moved).violations;
  const firstData = (json: TfJson, type: string) => Object.values(json.data![type])[0] as any;
  test.each([
    ['ADOPTED-VPC-CHECKED', (j: TfJson) => (firstData(j, 'aws_subnet').lifecycle.postcondition = [])],
    ['ADOPTED-VPC-CHECKED', (j: TfJson) => Object.entries(j.data!.aws_route_table).filter(([n]) => /routes/.test(n)).forEach(([, b]: [string, any]) => (b.lifecycle.postcondition = []))],
    ['ADOPTED-DATA-KEPT', (j: TfJson) => ((j as any).import = (j as any).import.filter((i: any) => !/aws_s3_bucket/.test(i.to)))],
    ['ADOPTED-DATA-KEPT', (j: TfJson) => Object.values(j.resource.aws_s3_bucket).forEach((b: any) => (b.force_destroy = true))],
    ['ADOPTED-DATA-KEPT', (j: TfJson) => delete (Object.values(j.resource.aws_db_instance)[0] as any).lifecycle.prevent_destroy],
    ['ADOPTED-DATA-KEPT', (j: TfJson) => ((Object.values(j.resource.aws_db_instance)[0] as any).skip_final_snapshot = true)],
    ['INTERNAL-SERVICES-PRIVATE', (j: TfJson) => Object.values(j.resource.aws_vpc_security_group_ingress_rule).filter((r: any) => /internal-pricing/.test(r.security_group_id)).forEach((r: any) => { r.cidr_ipv4 = '0.0.0.0/0'; delete r.referenced_security_group_id; })],
    ['INTERNAL-SERVICES-PRIVATE', (j: TfJson) => (Object.values(j.resource.aws_service_discovery_private_dns_namespace)[0] as any).vpc = 'vpc-0123456789abcdef0'],
    ['APP-TOPICS-SCOPED', (j: TfJson) => (Object.values(j.resource.aws_sns_topic).find((t: any) => /-topic-orders$/.test(t.name)) as any).kms_master_key_id = 'alias/aws/sns'],
    ['APP-TOPICS-SCOPED', (j: TfJson) => {
      const policy = Object.values(j.resource.aws_sns_topic_policy).find((p: any) => /topics_topic-orders/.test(p.arn)) as any;
      const doc = JSON.parse(policy.policy);
      doc.Statement[0].Principal = { AWS: '*' };
      policy.policy = JSON.stringify(doc);
    }],
    ['APP-TOPICS-SCOPED', (j: TfJson) => {
      const policy = Object.values(j.resource.aws_sqs_queue_policy)[0] as any;
      const doc = JSON.parse(policy.policy);
      delete doc.Statement[0].Condition;
      policy.policy = JSON.stringify(doc);
    }],
    ['APP-TOPICS-SCOPED', (j: TfJson) => ((Object.values(j.resource.aws_sns_topic_subscription).find((s: any) => s.protocol === 'sqs' && /topics_topic-/.test(s.topic_arn)) as any).endpoint = 'arn:aws:sqs:eu-west-1:999999999999:elsewhere')],
    ['EMAIL-SCOPED', (j: TfJson) => ((Object.values(j.resource.aws_sesv2_configuration_set)[0] as any).delivery_options.tls_policy = 'OPTIONAL')],
    ['EMAIL-SCOPED', (j: TfJson) => {
      const policy = Object.values(j.resource.aws_sns_topic_policy).find((p: any) => /email_events/.test(p.arn)) as any;
      const doc = JSON.parse(policy.policy);
      delete doc.Statement[0].Condition.ArnLike;
      policy.policy = JSON.stringify(doc);
    }],
    ['EMAIL-SCOPED', (j: TfJson) => {
      const policy = Object.values(j.resource.aws_iam_role_policy).find((p: any) => /ses:SendEmail/.test(p.policy)) as any;
      const doc = JSON.parse(policy.policy);
      delete doc.Statement.find((st: any) => st.Action === 'ses:SendEmail').Condition;
      policy.policy = JSON.stringify(doc);
    }],
  ])('%s reports a deliberately broken adopting stack', (id, change) => {
    const json = movedJson();
    const before = violationsOf(id, json).length;
    change(json);
    expect(violationsOf(id, json).length).toBeGreaterThan(before);
  });
});

// ---------------------------------------------------------------------------------------------
// The bootstrap stacks: state storage and the delivery roles (GitHub OIDC)

/**
 * Controls on the bootstrap stacks, run on the shipped one (one account, both environments) and
 * on a two-account variant. Same rules as above: each must check something, and each is shown to
 * catch a deliberately broken stack.
 */
const BOOTSTRAP_CONTROLS: { id: string; reason: string; check: (json: TfJson) => { checked: string[]; violations: string[] } }[] = [
  {
    id: 'GITHUB-TRUST-PINNED',
    reason: 'A role GitHub can assume trusts one exact subject of one repository, GitHub\'s issuer and the STS audience: no pattern, no other principal.',
    check: (json) => {
      const roles = all(json, 'aws_iam_role');
      return control(roles.map((r) => r.address), roles.flatMap((r) => statementsOf(policyOf(r.body.assume_role_policy)).flatMap((s) => {
        const equals = s.Condition?.StringEquals ?? {};
        return [
          !String(s.Principal?.Federated ?? '').match(/aws_iam_openid_connect_provider\.|:oidc-provider\/token\.actions\.githubusercontent\.com$/) && `${r.address}: trusts ${JSON.stringify(s.Principal)}, not the GitHub OIDC provider`,
          s.Action.join() !== 'sts:AssumeRoleWithWebIdentity' && `${r.address}: trust action ${s.Action.join()}`,
          equals['token.actions.githubusercontent.com:aud'] !== 'sts.amazonaws.com' && `${r.address}: audience not pinned to sts.amazonaws.com`,
          !/^repo:[\w.-]+\/[\w.-]+:(pull_request|environment:[\w .-]+)$/.test(String(equals['token.actions.githubusercontent.com:sub'] ?? '')) && `${r.address}: sub is not one exact repository subject`,
          Object.keys(s.Condition ?? {}).some((op) => op !== 'StringEquals') && `${r.address}: condition operators ${Object.keys(s.Condition).join(', ')} (only StringEquals)`,
        ];
      })));
    },
  },
  {
    id: 'DELIVERY-LEAST-PRIVILEGE',
    reason: 'No administrator or *FullAccess policy and no wildcard action on a delivery role; every "*" resource is a documented unscoped action (UNSCOPED_ACTIONS).',
    check: (json) => {
      const attachments = all(json, 'aws_iam_role_policy_attachment');
      const docs = [...policyDocs(json, 'aws_iam_policy').filter((d) => !/workload-boundary/.test(json.resource.aws_iam_policy[d.address.split('.')[1]].name)), ...policyDocs(json, 'aws_iam_role_policy')];
      const documented = new Set(UNSCOPED_ACTIONS.flatMap((u) => u.actions));
      return control([...attachments.map((a) => a.address), ...docs.map((d) => d.address)], [
        ...attachments.map((a) => ADMIN_POLICIES.test(a.body.policy_arn) && `${a.address}: attaches ${a.body.policy_arn}`),
        ...docs.flatMap((d) => statementsOf(d.doc).filter((s) => s.Effect === 'Allow').flatMap((s) => [
          s.Action.some((a: string) => a === '*' || a.endsWith(':*')) && `${d.address}: wildcard action in ${s.Sid ?? 'statement'}`,
          s.Resource.includes('*') && s.Action.some((a: string) => !documented.has(a)) && `${d.address}: "*" resource for ${s.Action.filter((a: string) => !documented.has(a)).join(', ')} (not in UNSCOPED_ACTIONS)`,
        ])),
      ]);
    },
  },
  {
    id: 'PLAN-ROLE-READ-ONLY',
    reason: 'A pull request cannot change anything: the plan role has ReadOnlyAccess and allows only reads (Get/List/Describe) itself.',
    check: (json) => {
      const plans = all(json, 'aws_iam_role').filter((r) => r.body.name.endsWith('-github-plan'));
      const ref = (r: { address: string }) => r.address.replace(/^aws_iam_role\./, '');
      return control(plans.map((r) => r.address), plans.flatMap((r) => [
        ...all(json, 'aws_iam_role_policy_attachment')
          .filter((a) => a.body.role === `\${aws_iam_role.${ref(r)}.name}`)
          .map((a) => !/policy\/ReadOnlyAccess$/.test(a.body.policy_arn) && `${r.address}: attaches ${a.body.policy_arn}`),
        ...policyDocs(json, 'aws_iam_role_policy')
          .filter((d) => json.resource.aws_iam_role_policy[d.address.split('.')[1]].role === `\${aws_iam_role.${ref(r)}.id}`)
          .flatMap((d) => statementsOf(d.doc).filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action.map((a: string) => !/^[\w-]+:(Get|List|Describe)/.test(a) && `${r.address}: allows ${a}`))),
      ]));
    },
  },
  {
    id: 'STATE-BUCKET-PROTECTED',
    reason: 'The state buckets hold every environment\'s state: versioned, never destroyed, private, encrypted, TLS-only.',
    check: (json) => {
      const buckets = all(json, 'aws_s3_bucket');
      const of = (type: string, b: { address: string }) => attachedTo(json, type, `${b.address}`)[0]?.body;
      return control(buckets.map((b) => b.address), buckets.flatMap((b) => [
        b.body.lifecycle?.prevent_destroy !== true && `${b.address}: not prevent_destroy`,
        of('aws_s3_bucket_versioning', b)?.versioning_configuration?.status !== 'Enabled' && `${b.address}: not versioned`,
        !of('aws_s3_bucket_server_side_encryption_configuration', b) && `${b.address}: no default encryption`,
        of('aws_s3_bucket_public_access_block', b)?.restrict_public_buckets !== true && `${b.address}: public access not blocked`,
        !/aws:SecureTransport/.test(of('aws_s3_bucket_policy', b)?.policy ?? '') && `${b.address}: no TLS-only policy`,
      ]));
    },
  },
];

const otherAccount = withConfig(environments[1], (c) => {
  c.accountId = '210987654321';
  if (c.state.backend === 's3') c.state.bucket = 'webapp-tfstate-210987654321-eu-west-1';
});
const BOOTSTRAP_SUBJECTS: [string, () => TfJson][] = [
  ['bootstrap (shipped)', () => JSON.parse(Testing.synth(bootstrapStacks(Testing.app(), environments)[0]))],
  ...bootstrapStacks(Testing.app(), [environments[0], otherAccount]).map((s, i) => [`${s.node.id} (two accounts)`, () => JSON.parse(Testing.synth(bootstrapStacks(Testing.app(), [environments[0], otherAccount])[i]))] as [string, () => TfJson]),
];

describe.each(BOOTSTRAP_SUBJECTS)('%s', (_name, synth) => {
  const json = synth();
  test.each(BOOTSTRAP_CONTROLS.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const { checked, violations } = c.check(json);
    expect(checked.length).toBeGreaterThan(0);
    expect(violations).toEqual([]);
  });
});

describe('the bootstrap controls catch what they guard against', () => {
  const shipped = BOOTSTRAP_SUBJECTS[0][1];
  const violationsOf = (id: string, json: TfJson) => BOOTSTRAP_CONTROLS.find((c) => c.id === id)!.check(json).violations;
  const role = (j: TfJson, suffix: string) => Object.values(j.resource.aws_iam_role).find((r: any) => r.name.endsWith(suffix)) as any;
  const editTrust = (j: TfJson, suffix: string, edit: (s: any) => void) => {
    const r = role(j, suffix);
    const doc = JSON.parse(r.assume_role_policy);
    edit(doc.Statement[0]);
    r.assume_role_policy = JSON.stringify(doc);
  };
  test.each([
    ['GITHUB-TRUST-PINNED', (j: TfJson) => editTrust(j, 'staging-github-deploy', (s) => (s.Condition = { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/*' } }))],
    ['GITHUB-TRUST-PINNED', (j: TfJson) => editTrust(j, 'prod-github-plan', (s) => delete s.Condition.StringEquals['token.actions.githubusercontent.com:aud'])],
    ['DELIVERY-LEAST-PRIVILEGE', (j: TfJson) => (Object.values(j.resource.aws_iam_role_policy_attachment)[0] as any).policy_arn = 'arn:aws:iam::aws:policy/AdministratorAccess'],
    ['DELIVERY-LEAST-PRIVILEGE', (j: TfJson) => {
      const policy = Object.values(j.resource.aws_iam_policy).find((p: any) => p.name.includes('github-deploy')) as any;
      const doc = JSON.parse(policy.policy);
      doc.Statement.push({ Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*' });
      policy.policy = JSON.stringify(doc);
    }],
    ['PLAN-ROLE-READ-ONLY', (j: TfJson) => {
      const policy = Object.values(j.resource.aws_iam_role_policy)[0] as any;
      const doc = JSON.parse(policy.policy);
      doc.Statement.push({ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::webapp-tfstate-123456789012-eu-west-1/webapp/staging/terraform.tfstate' });
      policy.policy = JSON.stringify(doc);
    }],
    ['STATE-BUCKET-PROTECTED', (j: TfJson) => delete (Object.values(j.resource.aws_s3_bucket)[0] as any).lifecycle],
  ])('%s reports a deliberately broken bootstrap stack', (id, change) => {
    const json = shipped();
    const before = violationsOf(id, json).length;
    change(json);
    expect(violationsOf(id, json).length).toBeGreaterThan(before);
  });
});
