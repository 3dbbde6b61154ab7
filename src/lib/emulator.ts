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
const SERVICES = [
  'acm', 'applicationautoscaling', 'cloudfront', 'cloudwatch', 'cloudwatchlogs', 'dynamodb', 'ec2', 'ecr', 'ecs',
  'elasticache', 'elb', 'elbv2', 'iam', 'kms', 'rds', 'route53', 's3', 'secretsmanager', 'ssm', 'sts',
] as const;

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
