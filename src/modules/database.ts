import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { assumeRolePolicy } from '../lib/iam';
import { arn, managedPolicyArn } from '../lib/naming';
import { allowFromGroup, securityGroup } from '../lib/security-groups';

export interface DatabaseModuleProps {
  /** e.g. `webapp-prod`. */
  readonly namePrefix: string;
  readonly vpcId: string;
  /** Private subnets, one per AZ. */
  readonly subnetIds: string[];
  readonly region: string;
  readonly accountId: string;
  /** Postgres MAJOR version (validated by the config): RDS applies minor versions itself. */
  readonly engineVersion: string;
  readonly instanceClass: string;
  readonly allocatedStorage: number;
  readonly maxAllocatedStorage: number;
  readonly multiAz: boolean;
  readonly backupRetentionDays: number;
  readonly deletionProtection: boolean;
  readonly performanceInsights: boolean;
  readonly databaseName: string;
  /** RDS master user: only the database-admin task connects with it. */
  readonly masterUsername: string;
  /** The application's login role: IAM database authentication only (created by the admin task). */
  readonly appUsername: string;
  /**
   * Production data: a final snapshot on delete, `prevent_destroy`, changes applied in the
   * maintenance window. Otherwise the instance is disposable (no final snapshot, immediate changes).
   */
  readonly production: boolean;
  readonly logRetentionDays: number;
}

/** Postgres logs RDS exports to CloudWatch. */
const LOG_EXPORTS = ['postgresql', 'upgrade'];
export const POSTGRES_PORT = 5432;

/**
 * Postgres on RDS in the private subnets. Reachable on 5432 only from the security groups other
 * layers register through `allowFrom` (never from CIDRs).
 *
 * Credentials: the master password is generated and kept by RDS in Secrets Manager
 * (`manage_master_user_password`) and rotated by RDS every 7 days; it never exists in config,
 * code or Terraform state, and only the database-admin task reads it (fresh at each start). The
 * application connects as its own role with IAM database authentication: a token signed per
 * connection by the task role, so there is no password to go stale when anything rotates.
 */
export class DatabaseModule extends Construct {
  readonly instance: DbInstance;
  readonly securityGroupId: string;
  readonly address: string;
  readonly endpoint: string;
  readonly port = POSTGRES_PORT;
  readonly databaseName: string;
  readonly masterUsername: string;
  /** The application's role (IAM authentication, no password). */
  readonly appUsername: string;
  /** ARN of the RDS-managed master secret, JSON `{"username": ..., "password": ...}`: database-admin task only. */
  readonly masterSecretArn: string;
  /** `rds-db:connect` resource of the application role (`arn:<partition>:rds-db:<region>:<account>:dbuser:<resource id>/<user>`). */
  readonly appConnectArn: string;
  /** Postgres major version. */
  readonly majorVersion: string;
  readonly name = 'database';

  constructor(scope: Construct, id: string, props: DatabaseModuleProps) {
    super(scope, id);
    const identifier = `${props.namePrefix}-postgres`;
    const major = props.engineVersion.split('.')[0];
    this.majorVersion = major;

    const subnetGroup = new DbSubnetGroup(this, 'subnet-group', {
      name: `${props.namePrefix}-db`,
      description: `Private subnets of ${props.namePrefix} for Postgres`,
      subnetIds: props.subnetIds,
    });

    // Ingress rules are added by allowFrom; the database never opens connections, so no egress.
    const group = securityGroup(this, 'sg', { name: `${props.namePrefix}-db`, description: `Postgres ${identifier}: 5432 from the app tasks only`, vpcId: props.vpcId });
    this.securityGroupId = group.id;

    const parameters = new DbParameterGroup(this, 'parameters', {
      // A name prefix plus create_before_destroy lets a major upgrade swap in the next family.
      namePrefix: `${props.namePrefix}-postgres${major}-`,
      family: `postgres${major}`,
      description: `Postgres ${major} for ${props.namePrefix}: TLS required`,
      parameter: [
        // Refuse unencrypted client connections (FSBP RDS in-transit encryption).
        { name: 'rds.force_ssl', value: '1', applyMethod: 'immediate' },
        // Slow-query visibility in the exported postgresql log.
        { name: 'log_min_duration_statement', value: '1000', applyMethod: 'immediate' },
      ],
      lifecycle: { createBeforeDestroy: true },
    });

    // Created before the instance so RDS writes into groups that have a retention period
    // (RDS would otherwise create them with logs kept forever).
    const logGroups = LOG_EXPORTS.map(
      (log) => new CloudwatchLogGroup(this, `log-${log}`, { name: `/aws/rds/instance/${identifier}/${log}`, retentionInDays: props.logRetentionDays }),
    );

    // Enhanced monitoring (OS metrics every 60 s) through the AWS-managed role policy.
    const monitoringRole = new IamRole(this, 'monitoring-role', {
      name: `${props.namePrefix}-rds-monitoring`,
      description: `RDS enhanced monitoring of ${identifier} publishes OS metrics`,
      assumeRolePolicy: assumeRolePolicy('monitoring.rds.amazonaws.com'),
    });
    new IamRolePolicyAttachment(this, 'monitoring-policy', {
      role: monitoringRole.name,
      policyArn: managedPolicyArn(props.region, 'service-role/AmazonRDSEnhancedMonitoringRole'),
    });

    this.instance = new DbInstance(this, 'instance', {
      identifier,
      engine: 'postgres',
      engineVersion: props.engineVersion,
      instanceClass: props.instanceClass,
      dbName: props.databaseName,
      username: props.masterUsername,
      manageMasterUserPassword: true,
      port: POSTGRES_PORT,

      storageType: 'gp3',
      allocatedStorage: props.allocatedStorage,
      maxAllocatedStorage: props.maxAllocatedStorage,
      // Encrypted with the account's aws/rds key: a customer-managed key adds cost and key-policy
      // management without a security gain for a single-account app (deliberate; see README).
      storageEncrypted: true,

      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [group.id],
      publiclyAccessible: false,
      multiAz: props.multiAz,
      parameterGroupName: parameters.name,
      caCertIdentifier: 'rds-ca-rsa2048-g1',
      iamDatabaseAuthenticationEnabled: true,

      backupRetentionPeriod: props.backupRetentionDays,
      backupWindow: '02:00-03:00',
      maintenanceWindow: 'sun:03:30-sun:04:30',
      copyTagsToSnapshot: true,
      // With the major version only in engine_version, the provider accepts whatever minor RDS
      // has moved the instance to (the configured version is a prefix of engine_version_actual).
      autoMinorVersionUpgrade: true,
      allowMajorVersionUpgrade: false,
      deletionProtection: props.deletionProtection,
      skipFinalSnapshot: !props.production,
      // Unique per instance: stamped when the instance is created and kept (ignore_changes), so
      // the second replacement of an instance does not fail on the first one's snapshot name.
      finalSnapshotIdentifier: props.production ? finalSnapshotIdentifier(identifier) : undefined,
      deleteAutomatedBackups: !props.production,
      applyImmediately: !props.production,

      enabledCloudwatchLogsExports: LOG_EXPORTS,
      performanceInsightsEnabled: props.performanceInsights,
      performanceInsightsRetentionPeriod: props.performanceInsights ? 7 : undefined,
      monitoringInterval: 60,
      monitoringRoleArn: monitoringRole.arn,

      lifecycle: props.production ? { preventDestroy: true, ignoreChanges: ['final_snapshot_identifier'] } : undefined,
      dependsOn: logGroups,
    });

    this.address = this.instance.address;
    this.endpoint = this.instance.endpoint;
    this.databaseName = props.databaseName;
    this.masterUsername = props.masterUsername;
    this.appUsername = props.appUsername;
    this.masterSecretArn = this.instance.masterUserSecret.get(0).secretArn;
    this.appConnectArn = arn(props.region, 'rds-db', props.region, props.accountId, `dbuser:${this.instance.resourceId}/${props.appUsername}`);
  }

  /** Admits Postgres connections from another security group (an app or worker service). */
  allowFrom(id: string, sourceSecurityGroupId: string, description: string): void {
    allowFromGroup(this, `ingress-${id}`, { securityGroupId: this.securityGroupId, sourceSecurityGroupId, port: POSTGRES_PORT, description });
  }
}

/**
 * `<identifier>-final-<UTC time of the plan that created the instance>`. Terraform evaluates the
 * timestamp on every plan; the instance's ignore_changes keeps the value from its creation, and a
 * delete uses the value in state: each instance gets its own final snapshot name.
 */
export function finalSnapshotIdentifier(identifier: string): string {
  return `${identifier}-final-\${formatdate("YYYYMMDDhhmmss", plantimestamp())}`;
}
