/**
 * Settings for running a stack against a local AWS emulator (moto, LocalStack), the way
 * LocalStack's `tflocal` does: every service endpoint points at the emulator, S3 uses path-style
 * addressing, and the provider skips the checks only real AWS can answer. Real environments
 * never set this; main.ts only builds it from CDKTF_AWS_ENDPOINT and refuses non-loopback URLs.
 */
export interface EmulatorSettings {
  /** e.g. http://127.0.0.1:4566 */
  readonly endpoint: string;
}

/** Every AWS service the stacks call; the emulator endpoint is set for each. */
export const SERVICES = [
  'acm', 'applicationautoscaling', 'cloudfront', 'cloudwatch', 'cloudwatchlogs', 'dynamodb', 'ec2', 'ecr', 'ecs',
  'elasticache', 'elb', 'elbv2', 'events', 'iam', 'kms', 'rds', 'route53', 's3', 'scheduler', 'secretsmanager', 'servicediscovery', 'sesv2', 'sns',
  'sqs', 'ssm', 'sts', 'wafv2',
] as const;

/**
 * The provider endpoint each resource type calls (by type prefix, longest first). A test checks
 * that every type the stacks synthesize maps to a service in SERVICES, so a new kind of resource
 * can never reach real AWS from an emulator run (there, it would only hit the test's dead proxy).
 */
export const ENDPOINT_OF_TYPE: [prefix: string, service: (typeof SERVICES)[number]][] = [
  ['aws_acm_', 'acm'], ['aws_appautoscaling_', 'applicationautoscaling'], ['aws_cloudfront_', 'cloudfront'],
  ['aws_cloudwatch_event_', 'events'], ['aws_cloudwatch_log_', 'cloudwatchlogs'], ['aws_cloudwatch_', 'cloudwatch'],
  ['aws_db_', 'rds'], ['aws_dynamodb_', 'dynamodb'], ['aws_default_security_group', 'ec2'], ['aws_ecr_', 'ecr'],
  ['aws_ecs_', 'ecs'], ['aws_eip', 'ec2'], ['aws_elasticache_', 'elasticache'], ['aws_elb_', 'elb'], ['aws_flow_log', 'ec2'],
  ['aws_iam_', 'iam'], ['aws_internet_gateway', 'ec2'], ['aws_kms_', 'kms'], ['aws_lb', 'elbv2'], ['aws_nat_gateway', 'ec2'],
  ['aws_route53_', 'route53'], ['aws_route_table', 'ec2'], ['aws_route', 'ec2'], ['aws_s3_', 's3'], ['aws_scheduler_', 'scheduler'],
  ['aws_secretsmanager_', 'secretsmanager'], ['aws_service_discovery_', 'servicediscovery'], ['aws_sesv2_', 'sesv2'], ['aws_security_group', 'ec2'], ['aws_sns_', 'sns'], ['aws_sqs_', 'sqs'],
  ['aws_ssm_', 'ssm'], ['aws_subnet', 'ec2'], ['aws_caller_identity', 'sts'], ['aws_vpc', 'ec2'], ['aws_wafv2_', 'wafv2'],
];

/** The endpoint service of a resource or data source type (undefined: not mapped). */
export function endpointOfType(type: string): string | undefined {
  return [...ENDPOINT_OF_TYPE].sort((a, b) => b[0].length - a[0].length).find(([prefix]) => type.startsWith(prefix))?.[1];
}

/** Only loopback endpoints are accepted, so a stray variable can never aim a stack at a real host. */
export function emulatorFromEndpoint(endpoint: string | undefined): EmulatorSettings | undefined {
  if (!endpoint) return undefined;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`CDKTF_AWS_ENDPOINT "${endpoint}" is not a URL: use e.g. http://127.0.0.1:4566`);
  }
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new Error(`CDKTF_AWS_ENDPOINT "${endpoint}" is not a loopback address: the emulator mode only targets a local emulator`);
  }
  return { endpoint: endpoint.replace(/\/$/, '') };
}

/** Extra AWS provider arguments for the emulator. */
export function emulatorProviderConfig(emulator: EmulatorSettings) {
  const endpoints: Record<string, string> = {};
  for (const service of SERVICES) endpoints[service] = emulator.endpoint;
  return {
    endpoints: [endpoints],
    s3UsePathStyle: true,
    skipCredentialsValidation: true,
    skipRequestingAccountId: false,
    skipMetadataApiCheck: 'true',
    skipRegionValidation: true,
  };
}

/** Extra S3 backend arguments (raw Terraform keys) for the emulator. */
export function emulatorBackendConfig(emulator: EmulatorSettings): Record<string, unknown> {
  return {
    endpoints: { s3: emulator.endpoint, sts: emulator.endpoint, iam: emulator.endpoint, dynamodb: emulator.endpoint },
    use_path_style: true,
    skip_credentials_validation: true,
    skip_region_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
  };
}
