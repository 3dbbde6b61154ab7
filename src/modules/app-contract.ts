import { ContainerContract } from './service';
import { PolicyStatement } from '../lib/iam';

/** What the data and edge layers hand the application (structural, so each layer stays independent). */
export interface AppContractInputs {
  readonly environmentName: string;
  readonly region: string;
  readonly domainName: string;
  /** Host names the load balancer routes to the app (ALLOWED_HOSTS). */
  readonly appHosts: string[];
  readonly cdnDomainName: string;
  readonly database: { address: string; port: number; databaseName: string; appUsername: string };
  readonly cache: { primaryEndpoint: string; port: number; authTokenSecretArn: string };
  readonly staticBucketName: string;
  readonly mediaBucketName: string;
  /** Secrets Manager ARN of the generated Django SECRET_KEY. */
  readonly secretKeyArn: string;
  /** Extra plain variables from config (validated: no secret-looking names, no contract names). */
  readonly extra: Record<string, string>;
}

/**
 * The environment every container gets. Plain values are endpoints and names; the Redis AUTH
 * token and SECRET_KEY come from Secrets Manager through ECS `secrets`, so no secret ever sits in
 * a task definition's plain environment. The database has no password at all: the app's role
 * signs an IAM token per connection with the task role (DATABASE_AUTH=iam), so nothing the app
 * holds can go stale when credentials rotate.
 *
 * A password-bearing REDIS_URL is deliberately not provided: it would have to embed the secret in
 * plain environment. docs/app-contract.md shows how settings build it from the parts.
 */
export function appContract(i: AppContractInputs): ContainerContract {
  return {
    environment: {
      ...i.extra,
      ENVIRONMENT: i.environmentName,
      AWS_REGION: i.region,
      DOMAIN_NAME: i.domainName,
      APP_HOSTS: i.appHosts.join(','),
      CDN_DOMAIN_NAME: i.cdnDomainName,
      AWS_STORAGE_BUCKET_NAME: i.staticBucketName,
      AWS_PRIVATE_STORAGE_BUCKET_NAME: i.mediaBucketName,
      DATABASE_HOST: i.database.address,
      DATABASE_PORT: String(i.database.port),
      DATABASE_NAME: i.database.databaseName,
      DATABASE_USER: i.database.appUsername,
      DATABASE_AUTH: 'iam',
      REDIS_HOST: i.cache.primaryEndpoint,
      REDIS_PORT: String(i.cache.port),
      // TLS is mandatory on the cache; the password comes from REDIS_AUTH_TOKEN.
      REDIS_URL: `rediss://${i.cache.primaryEndpoint}:${i.cache.port}/0`,
    },
    secrets: {
      REDIS_AUTH_TOKEN: i.cache.authTokenSecretArn,
      SECRET_KEY: i.secretKeyArn,
    },
    secretArns: [i.cache.authTokenSecretArn, i.secretKeyArn],
  };
}

/** A bucket the application reads and writes. */
export interface AppBucket {
  readonly arn: string;
}

/**
 * The task role's whole policy: connect to the database as the app's role (IAM authentication),
 * and list, read, write and delete objects in the app's buckets (static files via collectstatic,
 * media uploads). Nothing else: no other database user, no bucket configuration, no other bucket.
 */
export function appTaskPolicy(databaseConnectArn: string, ...buckets: AppBucket[]): PolicyStatement[] {
  return [
    { Sid: 'ConnectToDatabaseAsApp', Effect: 'Allow', Action: 'rds-db:connect', Resource: databaseConnectArn },
    { Sid: 'ListAppBuckets', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: buckets.map((b) => b.arn) },
    {
      Sid: 'ReadWriteAppObjects',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:GetObjectTagging', 's3:PutObjectTagging'],
      Resource: buckets.map((b) => `${b.arn}/*`),
    },
  ];
}

/** The host names the load balancer serves: the domain and its configured aliases. */
export function appHostNames(domain: { name: string; appAliases: string[] }): string[] {
  return [domain.name, ...domain.appAliases.map((alias) => `${alias}.${domain.name}`)];
}
