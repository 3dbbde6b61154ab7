/**
 * AWS Copilot manifest field inventory, taken from Copilot's public manifest reference.
 * Source pages, read 2026-12-02 (from the aws/copilot-cli repository's site/content/docs/manifest/*.en.md and
 * site/content/docs/include/*.en.md sources that generate these pages, cross-checked against the latest .uk.md
 * translations of the same pages; the live site was not fetched).
 */
export const COPILOT_DOCS = {
  lbws: 'https://aws.github.io/copilot-cli/docs/manifest/lb-web-service/',
  backend: 'https://aws.github.io/copilot-cli/docs/manifest/backend-service/',
  worker: 'https://aws.github.io/copilot-cli/docs/manifest/worker-service/',
  job: 'https://aws.github.io/copilot-cli/docs/manifest/scheduled-job/',
  rdws: 'https://aws.github.io/copilot-cli/docs/manifest/rd-web-service/',
  staticSite: 'https://aws.github.io/copilot-cli/docs/manifest/static-site/',
  environment: 'https://aws.github.io/copilot-cli/docs/manifest/environment/',
  image: 'https://aws.github.io/copilot-cli/docs/include/image/',
  imageConfig: 'https://aws.github.io/copilot-cli/docs/include/image-config/',
  imageConfigWithPort: 'https://aws.github.io/copilot-cli/docs/include/image-config-with-port/',
  imageDependsOn: 'https://aws.github.io/copilot-cli/docs/include/image-depends-on-config/',
  imageHealthcheck: 'https://aws.github.io/copilot-cli/docs/include/image-healthcheck/',
  httpHealthcheck: 'https://aws.github.io/copilot-cli/docs/include/http-healthcheck/',
  httpAdditionalRules: 'https://aws.github.io/copilot-cli/docs/include/http-additionalrules/',
  httpAdditionalRulesHealthcheck: 'https://aws.github.io/copilot-cli/docs/include/http-additionalrules-healthcheck/',
  nlb: 'https://aws.github.io/copilot-cli/docs/include/nlb/',
  nlbAdditionalListeners: 'https://aws.github.io/copilot-cli/docs/include/nlb-additionallisteners/',
  taskSize: 'https://aws.github.io/copilot-cli/docs/include/task-size/',
  platform: 'https://aws.github.io/copilot-cli/docs/include/platform/',
  exec: 'https://aws.github.io/copilot-cli/docs/include/exec/',
  deployment: 'https://aws.github.io/copilot-cli/docs/include/deployment/',
  entrypoint: 'https://aws.github.io/copilot-cli/docs/include/entrypoint/',
  command: 'https://aws.github.io/copilot-cli/docs/include/command/',
  network: 'https://aws.github.io/copilot-cli/docs/include/network/',
  networkVpc: 'https://aws.github.io/copilot-cli/docs/include/network-vpc/',
  envvars: 'https://aws.github.io/copilot-cli/docs/include/envvars/',
  secrets: 'https://aws.github.io/copilot-cli/docs/include/secrets/',
  storage: 'https://aws.github.io/copilot-cli/docs/include/storage/',
  publish: 'https://aws.github.io/copilot-cli/docs/include/publish/',
  logging: 'https://aws.github.io/copilot-cli/docs/include/logging/',
  observability: 'https://aws.github.io/copilot-cli/docs/include/observability/',
  taskdefOverrides: 'https://aws.github.io/copilot-cli/docs/include/taskdef-overrides/',
  environments: 'https://aws.github.io/copilot-cli/docs/include/environments/',
  sidecarConfig: 'https://aws.github.io/copilot-cli/docs/include/sidecar-config/',
  sidecars: 'https://aws.github.io/copilot-cli/docs/developing/sidecars/',
  taskdefOverridesGuide: 'https://aws.github.io/copilot-cli/docs/developing/overrides/taskdef-overrides/',
} as const;

export type ManifestKind =
  | 'Load Balanced Web Service'
  | 'Backend Service'
  | 'Worker Service'
  | 'Scheduled Job'
  | 'Request-Driven Web Service'
  | 'Static Site'
  | 'Environment';

/** The fields every ECS service manifest (Load Balanced Web, Backend and Worker Service) documents alike: image, sizes, count, exec, deployment, network, variables, secrets, storage, logging, observability, sidecars, overrides. */
const ECS_SERVICE_FIELDS: readonly string[] = [
    'name', 'type', 'image', 'image.build', 'image.build.dockerfile', 'image.build.context', 'image.build.target',
    'image.build.cache_from', 'image.build.args', 'image.build.args.*', 'image.location', 'image.credentials',
    'image.labels', 'image.labels.*', 'image.depends_on', 'image.depends_on.*', 'image.healthcheck',
    'image.healthcheck.command', 'image.healthcheck.interval', 'image.healthcheck.retries',
    'image.healthcheck.timeout', 'image.healthcheck.start_period', 'cpu', 'memory', 'platform', 'platform.osfamily',
    'platform.architecture', 'count', 'count.spot', 'count.range', 'count.range.min', 'count.range.max',
    'count.range.spot_from', 'count.cooldown', 'count.cooldown.in', 'count.cooldown.out', 'count.cpu_percentage',
    'count.cpu_percentage.value', 'count.cpu_percentage.cooldown', 'count.cpu_percentage.cooldown.in',
    'count.cpu_percentage.cooldown.out', 'count.memory_percentage', 'count.memory_percentage.value',
    'count.memory_percentage.cooldown', 'count.memory_percentage.cooldown.in', 'count.memory_percentage.cooldown.out',
    'exec', 'deployment', 'deployment.rolling', 'deployment.rollback_alarms',
    'deployment.rollback_alarms.cpu_utilization', 'deployment.rollback_alarms.memory_utilization', 'entrypoint',
    'command', 'network', 'network.connect', 'network.connect.alias', 'network.vpc', 'network.vpc.placement',
    'network.vpc.placement.subnets', 'network.vpc.placement.subnets.from_tags',
    'network.vpc.placement.subnets.from_tags.*', 'network.vpc.security_groups',
    'network.vpc.security_groups[].from_cfn', 'network.vpc.security_groups.deny_default',
    'network.vpc.security_groups.groups', 'network.vpc.security_groups.groups[].from_cfn', 'variables', 'variables.*',
    'variables.*.from_cfn', 'env_file', 'secrets', 'secrets.*', 'secrets.*.secretsmanager', 'secrets.*.from_cfn',
    'storage', 'storage.ephemeral', 'storage.readonly_fs', 'storage.volumes', 'storage.volumes.*',
    'storage.volumes.*.path', 'storage.volumes.*.read_only', 'storage.volumes.*.efs', 'storage.volumes.*.efs.id',
    'storage.volumes.*.efs.id.from_cfn', 'storage.volumes.*.efs.root_dir', 'storage.volumes.*.efs.uid',
    'storage.volumes.*.efs.gid', 'storage.volumes.*.efs.auth', 'storage.volumes.*.efs.auth.iam',
    'storage.volumes.*.efs.auth.access_point_id', 'publish', 'publish.topics', 'publish.topics[].name',
    'publish.topics[].fifo', 'publish.topics[].fifo.content_based_deduplication', 'logging', 'logging.retention',
    'logging.image', 'logging.destination', 'logging.destination.*', 'logging.enableMetadata',
    'logging.secretOptions', 'logging.secretOptions.*', 'logging.configFilePath', 'logging.env_file', 'observability',
    'observability.tracing', 'taskdef_overrides', 'taskdef_overrides[].path', 'taskdef_overrides[].value',
    'taskdef_overrides[].value.**', 'sidecars', 'sidecars.*', 'sidecars.*.port', 'sidecars.*.image',
    'sidecars.*.image.build', 'sidecars.*.image.build.dockerfile', 'sidecars.*.image.build.context',
    'sidecars.*.image.build.target', 'sidecars.*.image.build.cache_from', 'sidecars.*.image.build.args',
    'sidecars.*.image.build.args.*', 'sidecars.*.image.location', 'sidecars.*.image.credentials',
    'sidecars.*.image.labels', 'sidecars.*.image.labels.*', 'sidecars.*.essential', 'sidecars.*.credentialsParameter',
    'sidecars.*.variables', 'sidecars.*.variables.*', 'sidecars.*.secrets', 'sidecars.*.secrets.*',
    'sidecars.*.env_file', 'sidecars.*.mount_points', 'sidecars.*.mount_points[].source_volume',
    'sidecars.*.mount_points[].path', 'sidecars.*.mount_points[].read_only', 'sidecars.*.labels',
    'sidecars.*.labels.*', 'sidecars.*.depends_on', 'sidecars.*.depends_on.*', 'sidecars.*.entrypoint',
    'sidecars.*.command', 'sidecars.*.healthcheck', 'sidecars.*.healthcheck.command',
    'sidecars.*.healthcheck.interval', 'sidecars.*.healthcheck.retries', 'sidecars.*.healthcheck.timeout',
    'sidecars.*.healthcheck.start_period',
];

/**
 * Every documented key path per manifest type. Path syntax: dotted keys; `[]` after a key whose value is a list of
 * objects (e.g. `http.additional_rules[].path`); `*` for a user-chosen map key (e.g. `variables.*`, `sidecars.*.image`,
 * `secrets.*`). `environments.*` is NOT listed: overrides repeat the same paths. A key that accepts either a scalar or an
 * object lists both the key itself and its sub-keys (e.g. `http.healthcheck` and `http.healthcheck.path`; `image.build`
 * and `image.build.dockerfile`; `secrets.*` and `secrets.*.secretsmanager`; `count` and `count.range`, `count.range.min`).
 * Parent map keys are listed too (e.g. `network`, `network.vpc`). A list that may hold strings or `{from_cfn: ...}`
 * objects is written as `[]` (e.g. `network.vpc.security_groups[].from_cfn`).
 */
export const MANIFEST_FIELDS: Record<ManifestKind, readonly string[]> = {
  // https://aws.github.io/copilot-cli/docs/manifest/lb-web-service/
  // Page fields plus its includes: http-healthcheck, http-additionalrules(+healthcheck), nlb(+additionallisteners),
  // image-config-with-port, image-healthcheck, task-size, platform, exec, deployment, entrypoint, command, network,
  // envvars, secrets, storage, publish, logging, observability, taskdef-overrides. http.alb was added in v1.32.
  // sidecars.* come from the Sidecars page (sidecar-config include), not from this page.
  'Load Balanced Web Service': [
    ...ECS_SERVICE_FIELDS,
    'http', 'http.path', 'http.alb', 'http.healthcheck', 'http.healthcheck.path', 'http.healthcheck.port',
    'http.healthcheck.success_codes', 'http.healthcheck.healthy_threshold', 'http.healthcheck.unhealthy_threshold',
    'http.healthcheck.interval', 'http.healthcheck.timeout', 'http.healthcheck.grace_period',
    'http.deregistration_delay', 'http.target_container', 'http.target_port', 'http.stickiness',
    'http.allowed_source_ips', 'http.alias', 'http.alias[].name', 'http.alias[].hosted_zone', 'http.hosted_zone',
    'http.redirect_to_https', 'http.version', 'http.additional_rules', 'http.additional_rules[].path',
    'http.additional_rules[].healthcheck', 'http.additional_rules[].healthcheck.path',
    'http.additional_rules[].healthcheck.port', 'http.additional_rules[].healthcheck.success_codes',
    'http.additional_rules[].healthcheck.healthy_threshold',
    'http.additional_rules[].healthcheck.unhealthy_threshold', 'http.additional_rules[].healthcheck.interval',
    'http.additional_rules[].healthcheck.timeout', 'http.additional_rules[].deregistration_delay',
    'http.additional_rules[].target_container', 'http.additional_rules[].target_port',
    'http.additional_rules[].stickiness', 'http.additional_rules[].allowed_source_ips',
    'http.additional_rules[].alias', 'http.additional_rules[].alias[].name',
    'http.additional_rules[].alias[].hosted_zone', 'http.additional_rules[].hosted_zone',
    'http.additional_rules[].redirect_to_https', 'http.additional_rules[].version', 'nlb', 'nlb.port',
    'nlb.healthcheck', 'nlb.healthcheck.port', 'nlb.healthcheck.healthy_threshold',
    'nlb.healthcheck.unhealthy_threshold', 'nlb.healthcheck.grace_period', 'nlb.healthcheck.interval',
    'nlb.healthcheck.timeout', 'nlb.target_container', 'nlb.target_port', 'nlb.ssl_policy', 'nlb.stickiness',
    'nlb.alias', 'nlb.additional_listeners', 'nlb.additional_listeners[].port',
    'nlb.additional_listeners[].healthcheck', 'nlb.additional_listeners[].healthcheck.port',
    'nlb.additional_listeners[].healthcheck.healthy_threshold',
    'nlb.additional_listeners[].healthcheck.unhealthy_threshold', 'nlb.additional_listeners[].healthcheck.interval',
    'nlb.additional_listeners[].healthcheck.timeout', 'nlb.additional_listeners[].target_container',
    'nlb.additional_listeners[].target_port', 'nlb.additional_listeners[].ssl_policy',
    'nlb.additional_listeners[].stickiness', 'image.port', 'count.requests', 'count.requests.value',
    'count.requests.cooldown', 'count.requests.cooldown.in', 'count.requests.cooldown.out', 'count.response_time',
    'count.response_time.value', 'count.response_time.cooldown', 'count.response_time.cooldown.in',
    'count.response_time.cooldown.out',
  ],
  // https://aws.github.io/copilot-cli/docs/manifest/backend-service/
  // Same includes as LBWS minus nlb; http.alb added v1.33; no top-level http.redirect_to_https on this page.
  // http.target_port appears only in the "Expose Multiple Ports" sample; additional_rules[] uses the shared include
  // (which lists redirect_to_https). sidecars.* from the Sidecars page.
  'Backend Service': [
    ...ECS_SERVICE_FIELDS,
    'http', 'http.path', 'http.alb', 'http.healthcheck', 'http.healthcheck.path', 'http.healthcheck.port',
    'http.healthcheck.success_codes', 'http.healthcheck.healthy_threshold', 'http.healthcheck.unhealthy_threshold',
    'http.healthcheck.interval', 'http.healthcheck.timeout', 'http.healthcheck.grace_period',
    'http.deregistration_delay', 'http.target_container', 'http.target_port', 'http.stickiness',
    'http.allowed_source_ips', 'http.alias', 'http.alias[].name', 'http.alias[].hosted_zone', 'http.hosted_zone',
    'http.version', 'http.additional_rules', 'http.additional_rules[].path', 'http.additional_rules[].healthcheck',
    'http.additional_rules[].healthcheck.path', 'http.additional_rules[].healthcheck.port',
    'http.additional_rules[].healthcheck.success_codes', 'http.additional_rules[].healthcheck.healthy_threshold',
    'http.additional_rules[].healthcheck.unhealthy_threshold', 'http.additional_rules[].healthcheck.interval',
    'http.additional_rules[].healthcheck.timeout', 'http.additional_rules[].deregistration_delay',
    'http.additional_rules[].target_container', 'http.additional_rules[].target_port',
    'http.additional_rules[].stickiness', 'http.additional_rules[].allowed_source_ips',
    'http.additional_rules[].alias', 'http.additional_rules[].alias[].name',
    'http.additional_rules[].alias[].hosted_zone', 'http.additional_rules[].hosted_zone',
    'http.additional_rules[].redirect_to_https', 'http.additional_rules[].version', 'image.port', 'count.requests',
    'count.requests.value', 'count.requests.cooldown', 'count.requests.cooldown.in', 'count.requests.cooldown.out',
    'count.response_time', 'count.response_time.value', 'count.response_time.cooldown',
    'count.response_time.cooldown.in', 'count.response_time.cooldown.out',
  ],
  // https://aws.github.io/copilot-cli/docs/manifest/worker-service/
  // subscribe.* from the page; subscribe.topics[].queue.{delay,retention,timeout,dead_letter} per the samples/shared SQS queue
  // shape; image has no port. deployment.rollback_alarms.messages_delayed is worker-only. sidecars.* from the Sidecars page.
  'Worker Service': [
    ...ECS_SERVICE_FIELDS,
    'subscribe', 'subscribe.queue', 'subscribe.queue.delay', 'subscribe.queue.retention', 'subscribe.queue.timeout',
    'subscribe.queue.fifo', 'subscribe.queue.fifo.content_based_deduplication',
    'subscribe.queue.fifo.deduplication_scope', 'subscribe.queue.fifo.throughput_limit',
    'subscribe.queue.fifo.high_throughput', 'subscribe.queue.dead_letter', 'subscribe.queue.dead_letter.tries',
    'subscribe.topics', 'subscribe.topics[].name', 'subscribe.topics[].service', 'subscribe.topics[].filter_policy',
    'subscribe.topics[].filter_policy.**', 'subscribe.topics[].queue', 'subscribe.topics[].queue.delay',
    'subscribe.topics[].queue.retention', 'subscribe.topics[].queue.timeout', 'subscribe.topics[].queue.dead_letter',
    'subscribe.topics[].queue.dead_letter.tries', 'subscribe.topics[].queue.fifo',
    'subscribe.topics[].queue.fifo.content_based_deduplication', 'subscribe.topics[].queue.fifo.deduplication_scope',
    'subscribe.topics[].queue.fifo.throughput_limit', 'subscribe.topics[].queue.fifo.high_throughput',
    'count.queue_delay', 'count.queue_delay.acceptable_latency', 'count.queue_delay.msg_processing_time',
    'count.queue_delay.cooldown', 'count.queue_delay.cooldown.in', 'count.queue_delay.cooldown.out',
    'deployment.rollback_alarms.messages_delayed',
  ],
  // https://aws.github.io/copilot-cli/docs/manifest/scheduled-job/
  // The job page does not include exec, image.healthcheck, deployment, observability, network.connect, storage.ephemeral,
  // storage.readonly_fs, efs uid/gid/id.from_cfn, logging.retention/env_file, variables/secrets from_cfn. env_file is shown
  // only in the sample.
  'Scheduled Job': [
    'name',
    'type',
    'on', 'on.schedule',
    'image', 'image.build', 'image.build.dockerfile', 'image.build.context', 'image.build.target',
    'image.build.cache_from', 'image.build.args', 'image.build.args.*', 'image.location', 'image.credentials',
    'image.labels', 'image.labels.*', 'image.depends_on', 'image.depends_on.*',
    'entrypoint',
    'command',
    'cpu',
    'memory',
    'platform', 'platform.osfamily', 'platform.architecture',
    'retries',
    'timeout',
    'network', 'network.vpc', 'network.vpc.placement', 'network.vpc.placement.subnets',
    'network.vpc.placement.subnets.from_tags', 'network.vpc.placement.subnets.from_tags.*',
    'network.vpc.security_groups', 'network.vpc.security_groups[].from_cfn',
    'network.vpc.security_groups.deny_default', 'network.vpc.security_groups.groups',
    'network.vpc.security_groups.groups[].from_cfn',
    'variables', 'variables.*',
    'env_file',
    'secrets', 'secrets.*',
    'storage', 'storage.volumes', 'storage.volumes.*', 'storage.volumes.*.path', 'storage.volumes.*.read_only',
    'storage.volumes.*.efs', 'storage.volumes.*.efs.id', 'storage.volumes.*.efs.root_dir',
    'storage.volumes.*.efs.auth', 'storage.volumes.*.efs.auth.iam', 'storage.volumes.*.efs.auth.access_point_id',
    'logging', 'logging.image', 'logging.destination', 'logging.destination.*', 'logging.enableMetadata',
    'logging.secretOptions', 'logging.secretOptions.*', 'logging.configFilePath',
    'publish', 'publish.topics', 'publish.topics[].name', 'publish.topics[].fifo',
    'publish.topics[].fifo.content_based_deduplication',
    // Not on the job page; from the Sidecars page and the taskdef-overrides page (which covers `copilot job package`):
    'taskdef_overrides', 'taskdef_overrides[].path', 'taskdef_overrides[].value', 'taskdef_overrides[].value.**',
    'sidecars', 'sidecars.*', 'sidecars.*.port', 'sidecars.*.image', 'sidecars.*.image.build',
    'sidecars.*.image.build.dockerfile', 'sidecars.*.image.build.context', 'sidecars.*.image.build.target',
    'sidecars.*.image.build.cache_from', 'sidecars.*.image.build.args', 'sidecars.*.image.build.args.*',
    'sidecars.*.image.location', 'sidecars.*.image.credentials', 'sidecars.*.image.labels',
    'sidecars.*.image.labels.*', 'sidecars.*.essential', 'sidecars.*.credentialsParameter', 'sidecars.*.variables',
    'sidecars.*.variables.*', 'sidecars.*.secrets', 'sidecars.*.secrets.*', 'sidecars.*.env_file',
    'sidecars.*.mount_points', 'sidecars.*.mount_points[].source_volume', 'sidecars.*.mount_points[].path',
    'sidecars.*.mount_points[].read_only', 'sidecars.*.labels', 'sidecars.*.labels.*', 'sidecars.*.depends_on',
    'sidecars.*.depends_on.*', 'sidecars.*.entrypoint', 'sidecars.*.command', 'sidecars.*.healthcheck',
    'sidecars.*.healthcheck.command', 'sidecars.*.healthcheck.interval', 'sidecars.*.healthcheck.retries',
    'sidecars.*.healthcheck.timeout', 'sidecars.*.healthcheck.start_period',
  ],
  // https://aws.github.io/copilot-cli/docs/manifest/rd-web-service/
  // App Runner: no sidecars/storage/logging/taskdef_overrides. count is a string (autoscaling configuration name).
  // image has only build/location/port; variables has no from_cfn; secrets uses the shared secrets include.
  'Request-Driven Web Service': [
    'name',
    'type',
    'http', 'http.private', 'http.private.endpoint', 'http.healthcheck', 'http.healthcheck.path',
    'http.healthcheck.healthy_threshold', 'http.healthcheck.unhealthy_threshold', 'http.healthcheck.interval',
    'http.healthcheck.timeout', 'http.alias',
    'image', 'image.build', 'image.build.dockerfile', 'image.build.context', 'image.build.target',
    'image.build.cache_from', 'image.build.args', 'image.build.args.*', 'image.location', 'image.port',
    'cpu',
    'memory',
    'network', 'network.vpc', 'network.vpc.placement',
    'observability', 'observability.tracing',
    'command',
    'variables', 'variables.*',
    'secrets', 'secrets.*', 'secrets.*.secretsmanager', 'secrets.*.from_cfn',
    'publish', 'publish.topics', 'publish.topics[].name', 'publish.topics[].fifo',
    'publish.topics[].fifo.content_based_deduplication',
    'tags', 'tags.*',
    'count',
  ],
  // https://aws.github.io/copilot-cli/docs/manifest/static-site/
  // Static Site: http.alias, http.certificate, files[].
  'Static Site': [
    'name',
    'type',
    'http', 'http.alias', 'http.certificate',
    'files', 'files[].source', 'files[].recursive', 'files[].destination', 'files[].exclude', 'files[].reinclude',
  ],
  // https://aws.github.io/copilot-cli/docs/manifest/environment/
  // Environment manifest. Subnet entries: network.vpc.subnets.{public,private}[]; security group rules: ingress[]/egress[].
  'Environment': [
    'name',
    'type',
    'network', 'network.vpc', 'network.vpc.id', 'network.vpc.cidr', 'network.vpc.subnets',
    'network.vpc.subnets.public', 'network.vpc.subnets.public[].id', 'network.vpc.subnets.public[].cidr',
    'network.vpc.subnets.public[].az', 'network.vpc.subnets.private', 'network.vpc.subnets.private[].id',
    'network.vpc.subnets.private[].cidr', 'network.vpc.subnets.private[].az', 'network.vpc.security_group',
    'network.vpc.security_group.ingress', 'network.vpc.security_group.ingress[].ip_protocol',
    'network.vpc.security_group.ingress[].ports', 'network.vpc.security_group.ingress[].cidr',
    'network.vpc.security_group.egress', 'network.vpc.security_group.egress[].ip_protocol',
    'network.vpc.security_group.egress[].ports', 'network.vpc.security_group.egress[].cidr', 'network.vpc.flow_logs',
    'network.vpc.flow_logs.retention',
    'cdn', 'cdn.certificate', 'cdn.static_assets', 'cdn.static_assets.alias', 'cdn.static_assets.location',
    'cdn.static_assets.path', 'cdn.terminate_tls',
    'http', 'http.public', 'http.public.certificates', 'http.public.access_logs',
    'http.public.access_logs.bucket_name', 'http.public.access_logs.prefix', 'http.public.ssl_policy',
    'http.public.ingress', 'http.public.ingress.cdn', 'http.public.ingress.source_ips', 'http.private',
    'http.private.certificates', 'http.private.subnets', 'http.private.ingress', 'http.private.ingress.vpc',
    'http.private.ssl_policy',
    'observability', 'observability.container_insights',
    // Pre-v1.23 spellings, still described on the page as the previous (backward-compatible) names:
    'http.public.security_groups', 'http.public.security_groups.ingress',
    'http.public.security_groups.ingress.restrict_to', 'http.public.security_groups.ingress.restrict_to.cdn',
    'http.private.security_groups', 'http.private.security_groups.ingress',
    'http.private.security_groups.ingress.from_vpc',
  ],
};
