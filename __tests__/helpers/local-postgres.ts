import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * A throwaway PostgreSQL cluster for tests: initdb in a temporary directory, Unix socket only (no
 * TCP port), fsync off, removed by stop(). As root (CI), the server runs as the `postgres` system
 * user (initdb refuses root); clients connect as any role over the socket.
 *
 * Tests that need it (or Debian's Python + Django) use describeWithLocalServices: without the
 * packages they are skipped with a message, or fail when REQUIRE_LOCAL_SERVICES=1 (CI).
 */

const BIN_CANDIDATES = [process.env.LOCAL_PG_BIN, '/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/17/bin'];
const BINARIES = ['initdb', 'pg_ctl', 'postgres', 'psql'];

export function postgresBinDir(): string | undefined {
  return BIN_CANDIDATES.find((dir): dir is string => Boolean(dir) && BINARIES.every((b) => fs.existsSync(path.join(dir as string, b))));
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** As root, the system user that runs the server (it must not be root). */
function serverUser(): { name: string; uid: number; gid: number } | undefined {
  for (const name of ['postgres', 'nobody']) {
    const id = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (id.status === 0 && gid.status === 0) return { name, uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
  }
  return undefined;
}

/** A prerequisite of a test file: what is missing and the Debian packages that provide it. */
export interface LocalRequirement {
  readonly what: string;
  readonly ok: boolean;
  readonly aptPackages: string[];
}

export function postgresRequirement(): LocalRequirement {
  const ok = Boolean(postgresBinDir()) && (!isRoot() || (Boolean(serverUser()) && fs.existsSync('/usr/sbin/runuser')));
  return { what: 'PostgreSQL server binaries (initdb, pg_ctl, postgres, psql)', ok, aptPackages: ['postgresql-15'] };
}

/**
 * Runs `fn` as a describe block when every requirement is met. Otherwise: with
 * REQUIRE_LOCAL_SERVICES=1 one failing test names what is missing; without it the block is skipped
 * and a console message says which apt packages to install.
 */
export function describeWithLocalServices(title: string, requirements: LocalRequirement[], fn: () => void): void {
  const missing = requirements.filter((r) => !r.ok);
  if (missing.length === 0) {
    describe(title, fn);
    return;
  }
  const packages = [...new Set(missing.flatMap((r) => r.aptPackages))].join(' ');
  const message =
    `missing: ${missing.map((r) => r.what).join('; ')}. ` +
    `Install with: apt-get install -y --no-install-recommends ${packages}`;
  if (process.env.REQUIRE_LOCAL_SERVICES === '1') {
    describe(title, () => {
      test('local services are installed (REQUIRE_LOCAL_SERVICES=1)', () => {
        throw new Error(message);
      });
    });
    return;
  }
  console.warn(`SKIPPED "${title}": ${message} (REQUIRE_LOCAL_SERVICES=1 makes this a failure)`);
  describe.skip(title, fn);
}

export interface PsqlOptions {
  readonly user?: string;
  readonly database?: string;
  readonly password?: string;
}

export class LocalPostgres {
  /** The bootstrap superuser (initdb --username). */
  readonly superuser = 'bootstrap';

  private stopped = false;
  private readonly onExit = () => this.stop();

  private constructor(
    readonly binDir: string,
    /** Temporary root: data/, sock/, server.log. */
    readonly dir: string,
    /** Directory of the Unix socket: the `host` for libpq clients. */
    readonly socketDir: string,
    readonly port: number,
    private readonly runAs: string | undefined,
  ) {
    process.once('exit', this.onExit);
  }

  /**
   * initdb + start. `hba` lines come before the final `local all all trust` (e.g.
   * `local all app_user scram-sha-256` to make a role log in with its password).
   */
  static start(options: { hba?: string[] } = {}): LocalPostgres {
    const binDir = postgresBinDir();
    if (!binDir) throw new Error('PostgreSQL binaries not found (apt-get install postgresql-15)');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-pg-'));
    const socketDir = path.join(dir, 'sock');
    const dataDir = path.join(dir, 'data');
    fs.mkdirSync(socketDir);
    let runAs: string | undefined;
    if (isRoot()) {
      const user = serverUser();
      if (!user) throw new Error('running as root and no postgres/nobody user to run the server');
      for (const p of [dir, socketDir]) fs.chownSync(p, user.uid, user.gid);
      runAs = user.name;
    }
    // Any number will do: the socket lives in our own directory, so clusters never collide.
    const port = 20000 + Math.floor(Math.random() * 20000);
    const pg = new LocalPostgres(binDir, dir, socketDir, port, runAs);
    try {
      pg.asServerUser('initdb', ['-D', dataDir, `--username=${pg.superuser}`, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions']);
      const conf = [
        `port = ${port}`,
        "listen_addresses = ''",
        `unix_socket_directories = '${socketDir}'`,
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        'max_connections = 50',
        '',
      ].join('\n');
      // Existing files: they keep their owner (root may write them, as may the owner itself).
      fs.appendFileSync(path.join(dataDir, 'postgresql.conf'), conf);
      const hba = [...(options.hba ?? []), 'local all all trust', ''].join('\n');
      fs.writeFileSync(path.join(dataDir, 'pg_hba.conf'), hba);
      pg.asServerUser('pg_ctl', ['-D', dataDir, '-l', path.join(dir, 'server.log'), '-w', '-t', '30', 'start']);
    } catch (e) {
      pg.stop();
      throw e;
    }
    return pg;
  }

  /** Runs initdb/pg_ctl as the user that owns the cluster. */
  private asServerUser(program: 'initdb' | 'pg_ctl', args: string[]): string {
    const file = path.join(this.binDir, program);
    const [cmd, cmdArgs] = this.runAs ? ['/usr/sbin/runuser', ['-u', this.runAs, '--', file, ...args]] : [file, args];
    const result = spawnSync(cmd, cmdArgs, { encoding: 'utf8', cwd: this.dir });
    if (result.status !== 0) {
      throw new Error(`${program} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}\n${this.serverLog()}`);
    }
    return result.stdout;
  }

  /** libpq environment for a client process (Python, psql...). */
  clientEnv(options: PsqlOptions = {}): NodeJS.ProcessEnv {
    return {
      ...process.env,
      PGHOST: this.socketDir,
      PGPORT: String(this.port),
      PGUSER: options.user ?? this.superuser,
      PGDATABASE: options.database ?? 'postgres',
      ...(options.password !== undefined ? { PGPASSWORD: options.password } : {}),
    };
  }

  /** psql with the given arguments; throws with psql's stderr on failure. Returns stdout. */
  psql(args: string[], options: PsqlOptions = {}): string {
    try {
      return execFileSync(path.join(this.binDir, 'psql'), ['-X', '--no-psqlrc', '-v', 'ON_ERROR_STOP=1', ...args], {
        encoding: 'utf8',
        env: this.clientEnv(options),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; message: string };
      throw new Error(`psql ${args.join(' ')} failed:\n${err.stdout ?? ''}\n${err.stderr ?? err.message}`);
    }
  }

  /** One query, unaligned and tuples-only: the first column of the first row (or ''). */
  query(sql: string, options: PsqlOptions = {}): string {
    return this.psql(['-At', '-c', sql], options).split('\n')[0] ?? '';
  }

  serverLog(): string {
    try {
      return fs.readFileSync(path.join(this.dir, 'server.log'), 'utf8').split('\n').slice(-30).join('\n');
    } catch {
      return '';
    }
  }

  /** Immediate shutdown and removal of the cluster's directory. Safe to call twice. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    process.removeListener('exit', this.onExit);
    const dataDir = path.join(this.dir, 'data');
    if (fs.existsSync(path.join(dataDir, 'postmaster.pid'))) {
      try {
        this.asServerUser('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already gone
      }
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Emulates what a fresh RDS instance looks like to its master user: a NOLOGIN `rds_iam` role, a
 * master role that is NOT a superuser (CREATEROLE CREATEDB LOGIN, like RDS's master with
 * rds_superuser) and the `db_name` database owned by the master.
 */
export function emulateRds(pg: LocalPostgres, options: { masterUser: string; databaseName: string }): void {
  const master = `"${options.masterUser}"`;
  pg.psql([
    '-c', 'CREATE ROLE rds_iam NOLOGIN',
    '-c', `CREATE ROLE ${master} LOGIN CREATEROLE CREATEDB NOSUPERUSER`,
    '-c', `CREATE DATABASE "${options.databaseName}" OWNER ${master}`,
  ]);
  // PostgreSQL 16+ needs ADMIN OPTION on a role to grant it (15 lets CREATEROLE grant any
  // non-superuser role); RDS's master can grant rds_iam on every version.
  if (Number(pg.query('SHOW server_version_num')) >= 160000) {
    pg.psql(['-c', `GRANT rds_iam TO ${master} WITH ADMIN OPTION, INHERIT FALSE, SET FALSE`]);
  }
}
