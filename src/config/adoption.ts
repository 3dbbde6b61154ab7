import { arn, globalBucketName } from '../lib/naming';
import { partitionOf } from './regions';
import { EnvironmentConfig } from './types';

/**
 * Synth-time checks of what an environment adopts (docs/migrating.md): an existing VPC, ACM
 * certificates, a database restored from a snapshot or adopted whole, and asset buckets. Everything
 * that can be known from the config alone fails here; what only AWS knows (the subnet is in that
 * VPC, the instance is encrypted, the bucket exists) is checked at plan time by the module that
 * owns the resource, with a message naming the same field.
 */

const VPC_ID = /^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const SUBNET_ID = /^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const REGION = '([a-z]{2}(?:-[a-z]+)+-\\d)';
/** arn:<partition>:acm:<region>:<account>:certificate/<uuid> */
const certificateArn = (partition: string) => new RegExp(`^arn:${partition}:acm:${REGION}:(\\d{12}):certificate/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`);
/** A manual snapshot's identifier, an automated one's (`rds:<instance>-<date>`), or a snapshot ARN (shared from another account). */
const SNAPSHOT_ID = /^(?:rds:)?[a-z][a-z0-9-]{0,254}$/;
const snapshotArn = (partition: string) => new RegExp(`^arn:${partition}:rds:${REGION}:(\\d{12}):snapshot:((?:rds:)?[a-z][a-z0-9-]{0,254})$`);
/** CloudFront only takes certificates from ACM in us-east-1. */
export const CLOUDFRONT_CERTIFICATE_REGION = 'us-east-1';

export function adoptionProblems(env: EnvironmentConfig): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const fail = (field: string, message: string) => problems.push({ field, message });

  // Existing VPC
  const existing = env.network.existing;
  if (existing) {
    if (!VPC_ID.test(existing.vpcId)) fail('network.existing.vpcId', `is "${existing.vpcId}": give the VPC's id, "vpc-" and 8 or 17 hex digits (aws ec2 describe-vpcs)`);
    const tiers = [['publicSubnetIds', existing.publicSubnetIds], ['privateSubnetIds', existing.privateSubnetIds]] as const;
    for (const [key, ids] of tiers) {
      const field = `network.existing.${key}`;
      const bad = ids.filter((id) => !SUBNET_ID.test(id));
      if (bad.length > 0) fail(field, `contains ${bad.map((id) => `"${id}"`).join(', ')}: give subnet ids, "subnet-" and 8 or 17 hex digits (aws ec2 describe-subnets --filters Name=vpc-id,Values=${existing.vpcId})`);
      if (ids.length !== env.network.azCount) {
        fail(field, `lists ${ids.length} subnets but network.azCount is ${env.network.azCount}: give one subnet per availability zone, ${env.network.azCount} in all (or set azCount to match)`);
      }
      if (new Set(ids).size !== ids.length) fail(field, 'lists a subnet twice: give each availability zone its own subnet');
    }
    const both = existing.publicSubnetIds.filter((id) => existing.privateSubnetIds.includes(id));
    if (both.length > 0) fail('network.existing.privateSubnetIds', `repeats public subnet ${both.join(', ')}: tasks, database and cache need private subnets (no route to an internet gateway), apart from the load balancer's`);
  }

  // Existing certificates
  const certificates = env.domain.certificates ?? {};
  const certificate = (key: 'loadBalancer' | 'cdn', region: string, why: string) => {
    const value = certificates[key];
    if (value === undefined) return;
    const field = `domain.certificates.${key}`;
    const m = certificateArn(partitionOf(env.region)).exec(value);
    if (!m) {
      fail(field, `is "${value}": give an ACM certificate ARN, ${arn(env.region, 'acm', region, env.accountId, 'certificate/<id>')} (aws acm list-certificates --region ${region})`);
      return;
    }
    if (m[1] !== region) fail(field, `is in ${m[1]}: ${why} must be in ${region}; request or import it there (aws acm request-certificate --region ${region}), or leave ${field} out and the stack issues one`);
    if (m[2] !== env.accountId) fail(field, `belongs to account ${m[2]}, not ${env.accountId}: ACM certificates cannot be used across accounts; use one of the environment's account, or leave ${field} out`);
  };
  certificate('loadBalancer', env.region, "the load balancer's certificate (ACM is regional)");
  certificate('cdn', CLOUDFRONT_CERTIFICATE_REGION, "CloudFront's certificate");

  // Database: restored from a snapshot, or adopted whole
  const db = env.database;
  if (db.restoreFrom && db.adopt) {
    fail('database.restoreFrom', 'is set together with database.adopt: adopt keeps the running instance, restore creates a new one from a snapshot; keep one of them');
  }
  if (db.restoreFrom) {
    const snapshot = db.restoreFrom.snapshot;
    const m = snapshotArn(partitionOf(env.region)).exec(snapshot);
    if (m && m[2] !== env.accountId) {
      // RDS: "You can't restore a DB instance from a DB snapshot that is both shared and encrypted";
      // every snapshot restored here is encrypted (checked at plan time), so a shared one is copied first.
      fail('database.restoreFrom.snapshot', `belongs to account ${m[2]}: RDS cannot restore a snapshot that is both shared and encrypted; copy it into ${env.accountId} first (aws rds copy-db-snapshot --source-db-snapshot-identifier ${snapshot} --target-db-snapshot-identifier <name> --kms-key-id alias/aws/rds) and give the copy's identifier`);
    } else if (m && m[1] !== env.region) {
      fail('database.restoreFrom.snapshot', `is in ${m[1]}: RDS restores snapshots of its own region only; copy it to ${env.region} first (aws rds copy-db-snapshot --region ${env.region} --source-db-snapshot-identifier ${snapshot} --target-db-snapshot-identifier <name> --kms-key-id <key in ${env.region}>)`);
    } else if (!m && !SNAPSHOT_ID.test(snapshot)) {
      fail('database.restoreFrom.snapshot', `is "${snapshot}": give the snapshot's identifier (aws rds describe-db-snapshots --query "DBSnapshots[].DBSnapshotIdentifier") or its ARN`);
    }
  }
  if (db.adopt && !existing) {
    fail('database.adopt', 'needs network.existing: an adopted instance stays in its own VPC, so the environment must use that VPC (give network.existing its id and subnets), or restore a snapshot into a new VPC with database.restoreFrom');
  }

  // Existing buckets: never one the stack names for itself, never one bucket for both purposes.
  const adopted = env.assets.adopt ?? {};
  const own = new Map<string, string>(['static', 'media', 'cdn-logs', 'alb-logs'].map((purpose) => [globalBucketName(env, purpose), `the ${purpose} bucket`]));
  if (env.state.backend === 's3') own.set(env.state.bucket, 'the state bucket');
  for (const purpose of ['static', 'media'] as const) {
    const name = adopted[purpose];
    if (name === undefined) continue;
    const field = `assets.adopt.${purpose}`;
    const mine = own.get(name);
    if (mine === `the ${purpose} bucket`) fail(field, `is "${name}", the name the stack gives ${mine} itself: it is already managed here, remove ${field}`);
    else if (mine) fail(field, `is "${name}", which is ${mine} of this environment: adopt the bucket that holds the ${purpose} files`);
  }
  if (adopted.static !== undefined && adopted.static === adopted.media) {
    fail('assets.adopt.media', `is "${adopted.media}", the same bucket as assets.adopt.static: static files are public through CloudFront and media are private, so they need two buckets (copy one set out: aws s3 sync)`);
  }
  return problems;
}

/**
 * An adopted bucket or instance belongs to one environment: two would each rewrite its policy,
 * CORS and settings (and a non-production one would apply its changes immediately to the other's
 * data). Environments may share an adopted VPC.
 */
export function crossEnvironmentAdoptionProblems(envs: EnvironmentConfig[]): string[] {
  const problems: string[] = [];
  const owners = new Map<string, { env: string; field: string }>();
  for (const env of envs) {
    const claims: [string, string][] = [
      ...(['static', 'media'] as const).flatMap((p): [string, string][] => (env.assets.adopt?.[p] ? [[`bucket ${env.assets.adopt[p]}`, `assets.adopt.${p}`]] : [])),
      ...(['static', 'media', 'cdn-logs', 'alb-logs'] as const).map((p): [string, string] => [`bucket ${globalBucketName(env, p)}`, `the ${p} bucket`]),
      ...(env.database.adopt ? [[`instance ${env.database.adopt.identifier} in ${env.accountId}/${env.region}`, 'database.adopt.identifier'] as [string, string]] : []),
    ];
    for (const [key, field] of claims) {
      const other = owners.get(key);
      if (other && other.env !== env.name && (field.includes('.') || other.field.includes('.'))) {
        const [mine, theirs] = field.includes('.') ? [{ env: env.name, field }, other] : [other, { env: env.name, field }];
        problems.push(`environment "${mine.env}": ${mine.field} adopts the ${key.split(' ')[0]} ${key.split(' ')[1]}, which environment "${theirs.env}" ${theirs.field.includes('.') ? `adopts too (${theirs.field})` : `owns (${theirs.field})`}: one environment per bucket and instance; copy the data for the other one`);
      } else if (!other) owners.set(key, { env: env.name, field });
    }
  }
  return problems;
}
