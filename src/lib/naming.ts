import { partitionOf } from '../config/regions';

/** What naming needs to know about an environment. */
export interface NamingScope {
  readonly project: string;
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
}

/** `<project>-<environment>[-part...]`: the prefix of every named resource in an environment. */
export function resourceName(config: Pick<NamingScope, 'project' | 'name'>, ...parts: string[]): string {
  return [config.project, config.name, ...parts].join('-');
}

/**
 * A name that must be unique across all of AWS (S3 buckets): `<project>-<environment>-<purpose>-
 * <account>-<region>`. The account and region make it unique without the user inventing anything,
 * and it is known at synth time (validated, tested), unlike a random suffix.
 */
export function globalBucketName(config: NamingScope, purpose: string): string {
  return [config.project, config.name, purpose, config.accountId, config.region].join('-');
}

/** The default state bucket of a project in an account and region (shared by its environments). */
export function stateBucketName(config: Pick<NamingScope, 'project' | 'accountId' | 'region'>): string {
  return [config.project, 'tfstate', config.accountId, config.region].join('-');
}

/** The tags every resource carries (through the providers' default_tags). */
export function defaultTags(config: { project: string; name: string; tags: Record<string, string> }): Record<string, string> {
  return { ...config.tags, project: config.project, environment: config.name, 'managed-by': 'cdktf' };
}

/**
 * An ARN in the partition of the region. The only place ARNs are assembled from parts: a literal
 * `arn:aws:` anywhere else in src/ fails a test.
 */
export function arn(region: string, service: string, arnRegion: string, account: string, resource: string): string {
  return `arn:${partitionOf(region)}:${service}:${arnRegion}:${account}:${resource}`;
}

/** An AWS-managed IAM policy ARN (`arn:aws:iam::aws:policy/<path>`). */
export function managedPolicyArn(region: string, path: string): string {
  return arn(region, 'iam', '', 'aws', `policy/${path}`);
}

/**
 * The IAM resource of an external secret (an ECS `valueFrom`): its ARN without the
 * `:json-key:version-stage:version-id` part. A partial Secrets Manager ARN (the secret's name
 * without the `-AbCdEf` suffix Secrets Manager adds, as Copilot's `secretsmanager: <name>`
 * references are) matches the secret with `-??????` (Secrets Manager user guide, "Permissions
 * policy examples" and "Finding a secret from a partial ARN"); ECS accepts the partial ARN itself.
 */
export function externalSecretResources(reference: string): string[] {
  const base = reference.split(':').slice(0, 7).join(':');
  if (base.split(':')[2] !== 'secretsmanager') return [base];
  // A name that itself ends in a hyphen and six characters (`myapp-secret`) reads like a full ARN
  // but may be a partial one: both forms, so the grant matches whichever it is.
  return isFullSecretArn(base) ? [base, `${base}-??????`] : [`${base}-??????`];
}

/** A Secrets Manager ARN that ends in the hyphen and six random characters Secrets Manager adds. */
export function isFullSecretArn(arnText: string): boolean {
  return /:secret:.+-[A-Za-z0-9]{6}$/.test(arnText.split(':').slice(0, 7).join(':'));
}
