import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { assumeRolePolicy } from '../lib/iam';
import { allowFromGroup, securityGroup } from '../lib/security-groups';

export interface DatabaseModuleProps {
  /** e.g. `webapp-prod`. */
  readonly namePrefix: string;
  readonly vpcId: string;
  /** Private subnets, one per AZ. */
  readonly subnetIds: string[];
  /** `MAJOR.MINOR`, validated by the config. */
  readonly engineVersion: string;
  readonly instanceClass: string;
  readonly allocatedStorage: number;
  readonly maxAllocatedStorage: number;
  readonly multiAz: boolean;
  readonly backupRetentionDays: number;
  readonly deletionProtection: boolean;
  readonly performanceInsights: boolean;
  readonly databaseName: string;
  readonly username: string;
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
 * layers register through `allowFrom` (never from CIDRs). The master password is generated and
 * kept by RDS in Secrets Manager (`manage_master_user_password`): it never exists in config, code
 * or Terraform state; the app reads it through an ECS secret.
 */
export class DatabaseModule extends Construct {
  readonly instance: DbInstance;
  readonly securityGroupId: string;
  readonly address: string;
  readonly endpoint: string;
  readonly port = POSTGRES_PORT;
  readonly databaseName: string;
  readonly username: string;
  /** ARN of the RDS-managed secret, JSON `{"username": ..., "password": ...}`. */
  readonly masterSecretArn: string;
  readonly name = 'database';

  constructor(scope: Construct, id: string, props: DatabaseModuleProps) {
    super(scope, id);
    const identifier = `${props.namePrefix}-postgres`;
    const major = props.engineVersion.split('.')[0];

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
      assumeRolePolicy: assumeRolePolicy('monitoring.rds.amazonaws.com'),
    });
    new IamRolePolicyAttachment(this, 'monitoring-policy', {
      role: monitoringRole.name,
      policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole',
    });

    this.instance = new DbInstance(this, 'instance', {
      identifier,
      engine: 'postgres',
      engineVersion: props.engineVersion,
      instanceClass: props.instanceClass,
      dbName: props.databaseName,
      username: props.username,
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
      autoMinorVersionUpgrade: true,
      allowMajorVersionUpgrade: false,
      deletionProtection: props.deletionProtection,
      skipFinalSnapshot: !props.production,
      finalSnapshotIdentifier: props.production ? `${identifier}-final` : undefined,
      deleteAutomatedBackups: !props.production,
      applyImmediately: !props.production,

      enabledCloudwatchLogsExports: LOG_EXPORTS,
      performanceInsightsEnabled: props.performanceInsights,
      performanceInsightsRetentionPeriod: props.performanceInsights ? 7 : undefined,
      monitoringInterval: 60,
      monitoringRoleArn: monitoringRole.arn,

      lifecycle: props.production ? { preventDestroy: true } : undefined,
      dependsOn: logGroups,
    });

    this.address = this.instance.address;
    this.endpoint = this.instance.endpoint;
    this.databaseName = props.databaseName;
    this.username = props.username;
    this.masterSecretArn = this.instance.masterUserSecret.get(0).secretArn;
  }

  /** Admits Postgres connections from another security group (an app or worker service). */
  allowFrom(id: string, sourceSecurityGroupId: string, description: string): void {
    allowFromGroup(this, `ingress-${id}`, { securityGroupId: this.securityGroupId, sourceSecurityGroupId, port: POSTGRES_PORT, description });
  }
}
