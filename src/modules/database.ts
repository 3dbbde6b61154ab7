import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { DataAwsDbInstance } from '@cdktf/provider-aws/lib/data-aws-db-instance';
import { DataAwsDbInstances } from '@cdktf/provider-aws/lib/data-aws-db-instances';
import { DataAwsDbSnapshot } from '@cdktf/provider-aws/lib/data-aws-db-snapshot';
import { DataAwsDbSubnetGroup } from '@cdktf/provider-aws/lib/data-aws-db-subnet-group';
import { Fn } from 'cdktf';
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
  /** Create the instance from this snapshot (identifier, or ARN when shared): `database.restoreFrom`. */
  readonly restoreFrom?: { readonly snapshot: string };
  /** Bring this running instance under management (Terraform import): `database.adopt`. */
  readonly adopt?: { readonly identifier: string };
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
    const identifier = props.adopt?.identifier ?? `${props.namePrefix}-postgres`;
    const major = props.engineVersion.split('.')[0];
    this.majorVersion = major;

    // Ingress rules are added by allowFrom; the database never opens connections, so no egress.
    const group = securityGroup(this, 'sg', { name: `${props.namePrefix}-db`, description: `Postgres ${identifier}: 5432 from the app tasks only`, vpcId: props.vpcId });
    this.securityGroupId = group.id;

    // An adopted instance keeps its subnet group (moving it would be a VPC move) and its security
    // groups (whatever reaches it today, the old app during the move, still does), plus ours.
    const adopted = props.adopt ? adoptedInstance(this, props, major) : undefined;
    const restored = props.restoreFrom ? snapshotToRestore(this, props, major) : undefined;
    const subnetGroupName = adopted?.subnetGroupName ?? new DbSubnetGroup(this, 'subnet-group', {
      name: `${props.namePrefix}-db`,
      description: `Private subnets of ${props.namePrefix} for Postgres`,
      subnetIds: props.subnetIds,
    }).name;
    // Real data (adopted, or restored from one): whatever the environment, a final snapshot on delete.
    const { keepFinalSnapshot, preventDestroy } = databaseLifecycle(props);

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
    // (RDS would otherwise create them with logs kept forever). An adopted instance's groups are
    // RDS's own if it exported logs before: set their retention yourself (docs/migrating.md).
    const logGroups = adopted ? [] : LOG_EXPORTS.map(
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
      // management without a security gain for a single-account app (deliberate; see docs/security.md).
      storageEncrypted: true,

      snapshotIdentifier: restored?.snapshot,
      dbSubnetGroupName: subnetGroupName,
      // A set: the stack's group appears twice once applied, and collapses. No distinct(): with the new
      // group unknown at plan time it would make the whole list unknown, and the provider's plan wrong.
      vpcSecurityGroupIds: adopted ? Fn.concat([adopted.securityGroupIds, [group.id]]) : [group.id],
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
      skipFinalSnapshot: !keepFinalSnapshot,
      // Unique per instance: stamped when the instance is created and kept (ignore_changes), so
      // the second replacement of an instance does not fail on the first one's snapshot name. An
      // adopted instance is imported, not created: an ignored attribute would stay empty (the
      // import has none), so it gets a fixed name, written into state by its first apply.
      finalSnapshotIdentifier: adopted ? `${identifier}-final` : keepFinalSnapshot ? finalSnapshotIdentifier(identifier) : undefined,
      deleteAutomatedBackups: !keepFinalSnapshot,
      applyImmediately: !props.production,

      enabledCloudwatchLogsExports: LOG_EXPORTS,
      performanceInsightsEnabled: props.performanceInsights,
      performanceInsightsRetentionPeriod: props.performanceInsights ? 7 : undefined,
      monitoringInterval: 60,
      monitoringRoleArn: monitoringRole.arn,

      lifecycle: instanceLifecycle(preventDestroy, [
        ...(keepFinalSnapshot && !adopted ? ['final_snapshot_identifier'] : []),
        // The snapshot only seeds the instance: removing restoreFrom later, or the snapshot
        // expiring, must never plan a replacement.
        ...(restored ? ['snapshot_identifier'] : []),
      ], restored?.postconditions),
      dependsOn: logGroups.length > 0 ? logGroups : undefined,
    });
    if (props.adopt) this.instance.importFrom(identifier);

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

function instanceLifecycle(preventDestroy: boolean, ignoreChanges: string[], postcondition?: { condition: string; errorMessage: string }[]) {
  if (!preventDestroy && ignoreChanges.length === 0 && !postcondition) return undefined;
  return { ...(preventDestroy ? { preventDestroy } : {}), ...(ignoreChanges.length > 0 ? { ignoreChanges } : {}), ...(postcondition ? { postcondition } : {}) };
}

/** Stateful-data rules: production, adopted and restored instances keep a final snapshot; production and adopted ones cannot be destroyed by Terraform. */
export function databaseLifecycle(props: Pick<DatabaseModuleProps, 'production' | 'adopt' | 'restoreFrom'>): { keepFinalSnapshot: boolean; preventDestroy: boolean } {
  return {
    keepFinalSnapshot: props.production || props.adopt !== undefined || props.restoreFrom !== undefined,
    preventDestroy: props.production || props.adopt !== undefined,
  };
}

/**
 * The running instance to adopt, read at plan time: the plan fails, naming the config field,
 * before an import that would end in a replacement. Each condition is an argument RDS cannot
 * change on a running instance (the provider would plan a replace) or one this project assumes.
 */
function adoptedInstance(scope: Construct, props: DatabaseModuleProps, major: string): { subnetGroupName: string; securityGroupIds: string[] } {
  const id = props.adopt!.identifier;
  const where = `account ${props.accountId}, region ${props.region}`;
  const lookup = new DataAwsDbInstances(scope, 'adopt-lookup', {
    filter: [{ name: 'db-instance-id', values: [id] }],
    lifecycle: {
      postcondition: [{
        condition: '${length(self.instance_identifiers) == 1}',
        errorMessage: `database.adopt.identifier: there is no DB instance "${id}" in ${where}: give the identifier of the running instance (aws rds describe-db-instances --region ${props.region} --query "DBInstances[].DBInstanceIdentifier")`,
      }],
    },
  });
  const field = 'database.adopt.identifier';
  const instance = new DataAwsDbInstance(scope, 'adopt-instance', {
    dbInstanceIdentifier: id,
    dependsOn: [lookup],
    lifecycle: {
      postcondition: [
        { condition: '${self.engine == "postgres"}', errorMessage: `${field}: "${id}" runs \${self.engine}, not RDS for PostgreSQL: it cannot be adopted; move the data with a dump and restore (docs/migrating.md)` },
        { condition: '${self.storage_encrypted}', errorMessage: `${field}: "${id}" is not encrypted, and RDS cannot encrypt a running instance (Terraform would replace it): snapshot it, copy the snapshot encrypted (aws rds copy-db-snapshot --kms-key-id alias/aws/rds) and set database.restoreFrom instead of database.adopt` },
        { condition: `\${split(".", self.engine_version)[0] == "${major}"}`, errorMessage: `${field}: "${id}" runs Postgres \${self.engine_version}: set database.engineVersion to "\${split(".", self.engine_version)[0]}" (a major upgrade is a later, separate change)` },
        { condition: `\${self.db_name == "${props.databaseName}"}`, errorMessage: `${field}: "${id}" was created with database \${self.db_name == "" ? "(none)" : self.db_name}: set database.databaseName to it (RDS cannot rename it, Terraform would replace the instance)` },
        { condition: `\${self.master_username == "${props.masterUsername}"}`, errorMessage: `${field}: "${id}" has the master user \${self.master_username}: set database.masterUsername to it (RDS cannot rename it, Terraform would replace the instance)` },
        // The stack reads the master password from RDS's own secret (database-admin task): an
        // imported instance without one would give the plan nothing to point at (master_user_secret
        // stays empty until an apply), so it is turned on first, as the runbook's first step.
        { condition: '${length(self.master_user_secret) == 1}', errorMessage: `${field}: "${id}" keeps its master password itself; let RDS manage it in Secrets Manager first (aws rds modify-db-instance --db-instance-identifier ${id} --manage-master-user-password --apply-immediately), and point whatever still uses the master user at that secret (docs/migrating.md)` },
        { condition: '${!self.publicly_accessible}', errorMessage: `${field}: "${id}" is publicly accessible, and the stack makes it private: whatever reaches it over the internet (the old app outside the VPC, an App Runner service without a VPC connector) would lose it mid-move. Move those clients into the VPC first, then make it private (aws rds modify-db-instance --db-instance-identifier ${id} --no-publicly-accessible --apply-immediately)` },
        { condition: `\${self.db_instance_port == ${POSTGRES_PORT}}`, errorMessage: `${field}: "${id}" listens on port \${self.db_instance_port}; this project connects on ${POSTGRES_PORT}: change it first (aws rds modify-db-instance --db-instance-identifier ${id} --db-port-number ${POSTGRES_PORT}), after the apps that use it` },
        { condition: `\${self.backup_retention_period <= ${props.backupRetentionDays}}`, errorMessage: `${field}: "${id}" keeps \${self.backup_retention_period} days of automated backups, database.backupRetentionDays is ${props.backupRetentionDays}: lowering it deletes the older backups; set it to at least \${self.backup_retention_period}` },
        { condition: `\${self.allocated_storage < ${props.maxAllocatedStorage}}`, errorMessage: `${field}: "${id}" has \${self.allocated_storage} GiB of storage: set database.maxAllocatedStorage above it (RDS never shrinks storage)` },
      ],
    },
  });
  const subnetGroup = new DataAwsDbSubnetGroup(scope, 'adopt-subnet-group', {
    name: instance.dbSubnetGroup,
    lifecycle: {
      postcondition: [{
        condition: `\${self.vpc_id == ${props.vpcId}}`,
        errorMessage: `${field}: "${id}" is in the subnet group \${self.name} of \${self.vpc_id}, not of network.existing.vpcId: adopt the VPC the instance runs in, or restore a snapshot into this one (database.restoreFrom)`,
      }],
    },
  });
  return { subnetGroupName: subnetGroup.name, securityGroupIds: instance.vpcSecurityGroups };
}

/**
 * The snapshot to restore, read at plan time so a wrong one fails with the field named. Its
 * database name and master user carry over to the instance (RDS ignores the arguments on a
 * restore, and the data source does not show them): the instance's postconditions check them
 * right after it is created, before anything uses it.
 */
function snapshotToRestore(scope: Construct, props: DatabaseModuleProps, major: string): { snapshot: string; postconditions: { condition: string; errorMessage: string }[] } {
  const snapshot = props.restoreFrom!.snapshot;
  const field = 'database.restoreFrom.snapshot';
  const data = new DataAwsDbSnapshot(scope, 'restore-snapshot', {
    dbSnapshotIdentifier: snapshot,
    lifecycle: {
      postcondition: [
        { condition: '${self.engine == "postgres"}', errorMessage: `${field}: "${snapshot}" is a snapshot of \${self.engine}, not of RDS for PostgreSQL: move the data with a dump and restore (docs/migrating.md)` },
        { condition: '${self.encrypted}', errorMessage: `${field}: "${snapshot}" is not encrypted: copy it encrypted first (aws rds copy-db-snapshot --source-db-snapshot-identifier ${snapshot} --target-db-snapshot-identifier <name>-encrypted --kms-key-id alias/aws/rds) and restore the copy` },
        { condition: '${self.status == "available"}', errorMessage: `${field}: "${snapshot}" is \${self.status}: wait until it is available (aws rds wait db-snapshot-available --db-snapshot-identifier ${snapshot})` },
        { condition: `\${split(".", self.engine_version)[0] == "${major}"}`, errorMessage: `${field}: "${snapshot}" holds Postgres \${self.engine_version}: set database.engineVersion to "\${split(".", self.engine_version)[0]}" (upgrade after the move)` },
        { condition: `\${self.allocated_storage <= ${props.allocatedStorage}}`, errorMessage: `${field}: "${snapshot}" needs \${self.allocated_storage} GiB: set database.allocatedStorage to at least that (and maxAllocatedStorage above it)` },
      ],
    },
  });
  // A missing snapshot is a provider error ("no results"): this address names the field in it.
  data.overrideLogicalId('database_restoreFrom_snapshot');
  return {
    snapshot: snapshot.startsWith('arn:') ? snapshot : data.dbSnapshotIdentifier,
    postconditions: [
      { condition: `\${self.db_name == "${props.databaseName}"}`, errorMessage: `${field}: the restored instance's database is \${self.db_name}, from the snapshot: set database.databaseName to it and apply again (the instance is kept)` },
      { condition: `\${self.username == "${props.masterUsername}"}`, errorMessage: `${field}: the restored instance's master user is \${self.username}, from the snapshot: set database.masterUsername to it and apply again (the instance is kept)` },
    ],
  };
}

/**
 * `<identifier>-final-<UTC time of the plan that created the instance>`. Terraform evaluates the
 * timestamp on every plan; the instance's ignore_changes keeps the value from its creation, and a
 * delete uses the value in state: each instance gets its own final snapshot name.
 */
export function finalSnapshotIdentifier(identifier: string): string {
  return `${identifier}-final-\${formatdate("YYYYMMDDhhmmss", plantimestamp())}`;
}
