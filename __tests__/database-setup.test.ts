import * as fs from 'fs';
import * as path from 'path';
import { databaseSetupSql } from '../src/modules/database-setup-sql';
import { describeWithLocalServices, emulateRds, LocalPostgres, postgresRequirement } from './helpers/local-postgres';

/**
 * The database-setup SQL against a real PostgreSQL 15 prepared like a fresh RDS instance: run by
 * the master user (not a superuser), twice, then checked from the app role's side.
 */
const MASTER = 'master';
const DATABASE = 'app';
const APP = 'app_user';

describeWithLocalServices('database setup SQL on PostgreSQL prepared like RDS', [postgresRequirement()], () => {
  let pg: LocalPostgres;
  let sqlFile: string;
  const runs: string[] = [];

  beforeAll(() => {
    pg = LocalPostgres.start();
    emulateRds(pg, { masterUser: MASTER, databaseName: DATABASE });
    sqlFile = path.join(pg.dir, 'database-setup.sql');
    fs.writeFileSync(sqlFile, databaseSetupSql({ databaseName: DATABASE, appUsername: APP }));
    // Twice, as the database-admin task would on a re-run: both must succeed.
    for (let i = 0; i < 2; i++) runs.push(pg.psql(['-f', sqlFile], { user: MASTER, database: DATABASE }));
  }, 60000);

  afterAll(() => pg?.stop());

  const asSuperuser = (sql: string) => pg.query(sql);

  test('the emulated master is not a superuser', () => {
    expect(asSuperuser(`SELECT rolsuper::text || ' ' || rolcreaterole::text FROM pg_roles WHERE rolname = '${MASTER}'`)).toBe('false true');
  });

  test('the script ran twice as the master user (idempotent)', () => {
    expect(runs).toHaveLength(2);
    expect(asSuperuser(`SELECT count(*) FROM pg_roles WHERE rolname = '${APP}'`)).toBe('1');
  });

  test('the app role can log in, is no superuser and has no password (IAM only)', () => {
    expect(asSuperuser(`SELECT rolcanlogin::text || ' ' || rolsuper::text || ' ' || (rolpassword IS NULL)::text FROM pg_authid WHERE rolname = '${APP}'`)).toBe(
      'true false true',
    );
    expect(pg.query('SELECT current_user', { user: APP, database: DATABASE })).toBe(APP);
  });

  test('the app role is a member of rds_iam (exactly one grant after two runs)', () => {
    expect(asSuperuser(`SELECT pg_has_role('${APP}', 'rds_iam', 'MEMBER')::text`)).toBe('true');
    expect(
      asSuperuser(`SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE r.rolname = 'rds_iam' AND u.rolname = '${APP}'`),
    ).toBe('1');
  });

  test('the app role owns the database', () => {
    expect(asSuperuser(`SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '${DATABASE}'`)).toBe(APP);
  });

  test('connected as the app role, tables can be created in public and are owned by it', () => {
    const asApp = { user: APP, database: DATABASE };
    pg.psql(['-c', 'CREATE TABLE public.setup_probe (id bigint PRIMARY KEY)', '-c', 'INSERT INTO setup_probe VALUES (1)'], asApp);
    expect(pg.query("SELECT tableowner FROM pg_tables WHERE tablename = 'setup_probe'", asApp)).toBe(APP);
    pg.psql(['-c', 'DROP TABLE setup_probe'], asApp);
  });

  test('owning the database is what grants CREATE on public (PostgreSQL 15+): another role gets none', () => {
    pg.psql(['-c', 'CREATE ROLE other_user LOGIN']);
    expect(() => pg.psql(['-c', 'CREATE TABLE public.not_mine (id int)'], { user: 'other_user', database: DATABASE })).toThrow(
      /permission denied for schema public/,
    );
  });
});
