import { createHash } from 'crypto';
import { Construct } from 'constructs';
import { DatabaseModule } from './database';
import { databaseSetupSql } from './database-setup-sql';
import { ServiceModule, ServiceModuleProps } from './service';

/** The task's name (family `<project>-<env>-db-admin`). */
export const DATABASE_ADMIN_NAME = 'db-admin';

export interface DatabaseAdminTaskProps extends Omit<ServiceModuleProps, 'name' | 'image' | 'contract' | 'command' | 'cpu' | 'memory' | 'taskPolicy' | 'dataStores' | 'scaling' | 'loadBalancer' | 'environment'> {
  readonly database: DatabaseModule;
  /** A Postgres client image (psql), e.g. ECR Public's postgres through the pull-through cache. */
  readonly image: string;
}

/**
 * The one task that connects as the RDS master user: it runs the database setup SQL (the app's
 * IAM-authenticated role, database ownership) with psql. Only its execution role may read the
 * RDS-managed master secret, and it reads it when the task starts, so the weekly rotation never
 * leaves it with a stale password. Started by `npm run release` whenever the SQL changed.
 */
export class DatabaseAdminTask extends Construct {
  readonly task: ServiceModule;
  readonly setupSql: string;
  /** Short hash of the SQL: the release records it after a successful run and reruns on change. */
  readonly setupVersion: string;

  constructor(scope: Construct, id: string, props: DatabaseAdminTaskProps) {
    super(scope, id);
    const db = props.database;
    this.setupSql = databaseSetupSql({ databaseName: db.databaseName, appUsername: db.appUsername });
    this.setupVersion = createHash('sha256').update(this.setupSql).digest('hex').slice(0, 16);
    this.task = new ServiceModule(this, 'task', {
      ...props,
      name: DATABASE_ADMIN_NAME,
      image: props.image,
      cpu: 256,
      memory: 512,
      // psql reads the script from the environment: nothing to build into an image.
      command: ['sh', '-c', 'printf "%s\\n" "$DB_SETUP_SQL" | psql --no-psqlrc -f -'],
      contract: {
        environment: {
          PGHOST: db.address,
          PGPORT: String(db.port),
          PGDATABASE: db.databaseName,
          PGUSER: db.masterUsername,
          // The server refuses plain connections (rds.force_ssl).
          PGSSLMODE: 'require',
          DB_SETUP_SQL: this.setupSql,
        },
        // The RDS-managed master secret is JSON {username, password}: pick the password key.
        secrets: { PGPASSWORD: `${db.masterSecretArn}:password::` },
        secretArns: [db.masterSecretArn],
      },
      taskPolicy: [],
      dataStores: [db],
    });
  }
}
