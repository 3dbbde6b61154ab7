/**
 * The SQL that prepares an RDS Postgres database for the application, run as the master user by
 * the database-admin one-off task (`psql -f`), never by the app:
 *
 * - the application role logs in with IAM database authentication only (`rds_iam`): it has no
 *   password, so nothing can go stale when RDS rotates the master secret every 7 days;
 * - the application role owns the database, so migrations create tables it owns (in Postgres 15+
 *   the `public` schema belongs to the database owner; before 15 everyone may create in it).
 *
 * Idempotent: every statement can run again (a re-run after a version bump or a failed release is
 * harmless). Identifiers are validated by the config (letters, digits, underscores) and quoted.
 */

export interface DatabaseSetupInput {
  /** Database created by RDS (`db_name`), owned by the master user until this runs. */
  readonly databaseName: string;
  /** The application's login role (IAM authentication). */
  readonly appUsername: string;
}

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
const ident = (name: string) => {
  if (!IDENTIFIER.test(name)) throw new Error(`"${name}" is not a valid Postgres identifier (letters, digits, underscores)`);
  return `"${name}"`;
};
const literal = (name: string) => `'${name.replace(/'/g, "''")}'`;

/** The psql script (meta-commands included): stops at the first error. */
export function databaseSetupSql(input: DatabaseSetupInput): string {
  const app = ident(input.appUsername);
  const db = ident(input.databaseName);
  return [
    '\\set ON_ERROR_STOP on',
    // CREATE ROLE has no IF NOT EXISTS: build the statement only when the role is missing.
    `SELECT 'CREATE ROLE ${app} LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${literal(input.appUsername)})`,
    '\\gexec',
    // Password logins are impossible for members of rds_iam: the role authenticates with IAM tokens only.
    `GRANT rds_iam TO ${app};`,
    // Handing the database to the role needs membership in it (Postgres 16+: SET on the new owner).
    `GRANT ${app} TO CURRENT_USER;`,
    `ALTER DATABASE ${db} OWNER TO ${app};`,
    '',
  ].join('\n');
}
