import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { environments } from '../src/config/environments';
import { databaseSetupSql } from '../src/modules/database-setup-sql';
import { EMAIL_VARIABLES } from '../src/modules/email';
import { queueVariables } from '../src/modules/queue';
import { describeWithLocalServices, emulateRds, LocalPostgres, LocalRequirement, postgresRequirement } from './helpers/local-postgres';

/**
 * The reference Django app (examples/django) meets the app contract: its Python unittest suites run
 * against a throwaway PostgreSQL prepared like RDS and set up by databaseSetupSql. Debian's Python
 * by default (python3-django 3.2 + psycopg2); EXAMPLE_APP_PYTHON may name another interpreter (e.g.
 * a virtualenv with Django 5 + psycopg 3).
 */
const APP_DIR = path.join(__dirname, '..', 'examples', 'django');
const PYTHON = process.env.EXAMPLE_APP_PYTHON ?? '/usr/bin/python3';
const DATABASE = 'app';
const APP_USER = 'app_user';
// Locally there is no IAM: the app role gets this password, which the mocked token generator returns.
const LOCAL_TOKEN = 'local-iam-token-stand-in';

function pythonRequirement(): LocalRequirement {
  const probe = spawnSync(PYTHON, ['-c', 'import django\ntry:\n import psycopg\nexcept ImportError:\n import psycopg2'], { encoding: 'utf8' });
  return { what: `${PYTHON} with Django and psycopg2 (or psycopg 3)`, ok: probe.status === 0, aptPackages: ['python3-django', 'python3-psycopg2'] };
}

/**
 * The shipped config runs the reference app: every SQS queue is consumed by a worker running the
 * app's consumer of that queue (not, say, a Celery worker reading a Redis list of the same name),
 * and everything that sends to a queue is given its URL under the name the app reads.
 */
describe('the shipped config wires the reference app to its SQS queues', () => {
  test.each(environments.map((e) => [e.name, e] as const))('%s: each queue worker runs `python manage.py consume_queue <its queues>`, the SES feedback queue included', (_name, env) => {
    const consumers = env.compute.workers.filter((w) => w.queues.length > 0);
    expect(env.email).toBeDefined();
    expect(consumers.map((w) => w.queues).flat().sort()).toEqual([...env.compute.queues.map((q) => q.name), 'email-feedback'].sort());
    for (const worker of consumers) {
      expect(worker.command).toEqual(['python', 'manage.py', 'consume_queue', ...worker.queues]);
    }
    expect(fs.existsSync(path.join(APP_DIR, 'webapp', 'core', 'management', 'commands', 'consume_queue.py'))).toBe(true);
  });

});

describeWithLocalServices('example Django app (examples/django)', [pythonRequirement(), postgresRequirement()], () => {
  let pg: LocalPostgres;

  beforeAll(() => {
    // The app role logs in with a password here (standing in for the IAM token), everyone else by trust.
    pg = LocalPostgres.start({ hba: [`local all ${APP_USER} scram-sha-256`] });
    emulateRds(pg, { masterUser: 'master', databaseName: DATABASE });
    const sqlFile = path.join(pg.dir, 'database-setup.sql');
    fs.writeFileSync(sqlFile, databaseSetupSql({ databaseName: DATABASE, appUsername: APP_USER }));
    pg.psql(['-f', sqlFile], { user: 'master', database: DATABASE });
    pg.psql(['-c', `ALTER ROLE ${APP_USER} PASSWORD '${LOCAL_TOKEN}'`]);
  }, 60000);

  afterAll(() => pg?.stop());

  /** `python -m unittest -v <modules>` in examples/django; fails the test on any failure or skip. */
  function runPythonTests(...modules: string[]): string {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PYTHONDONTWRITEBYTECODE: '1',
      DJANGO_SETTINGS_MODULE: 'tests.settings',
      // The app contract, pointing at the local cluster (Unix socket directory as the host).
      DATABASE_HOST: pg.socketDir,
      DATABASE_PORT: String(pg.port),
      DATABASE_NAME: DATABASE,
      DATABASE_USER: APP_USER,
      DATABASE_AUTH: 'iam',
      TEST_IAM_TOKEN: LOCAL_TOKEN,
      TEST_DATABASE: '1',
      REQUIRE_LOCAL_SERVICES: '1', // a skipped Python test would hide a missing check: fail instead
    };
    for (const name of ['PYTHONPATH', 'PGHOST', 'PGPORT', 'PGUSER', 'PGDATABASE', 'PGPASSWORD', 'DATABASE_PASSWORD']) delete env[name];
    const result = spawnSync(PYTHON, ['-m', 'unittest', '-v', ...modules], { cwd: APP_DIR, env, encoding: 'utf8', timeout: 60000 });
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
    if (result.status !== 0) throw new Error(`python -m unittest ${modules.join(' ')} failed (${result.status ?? result.signal}):\n${output}`);
    expect(output).toMatch(/^OK$/m); // not "OK (skipped=...)"
    expect(output).toMatch(/^Ran [1-9]\d* tests? /m);
    return output;
  }

  test('health check: 200 by task IP, while other paths by IP get 400 and app hosts 200', () => {
    const output = runPythonTests('tests.test_health');
    expect(output).toMatch(/test_health_check_by_task_ip_answers_200 .* ok/);
    expect(output).toMatch(/test_regression_without_the_middleware_the_health_check_by_ip_fails .* ok/);
  });

  test('settings read only the contract (never DATABASE_PASSWORD); Redis token quoted, TLS', () => {
    runPythonTests('tests.test_settings');
  });

  test('IAM backend: a new token per new connection, with the contract host/port/user', () => {
    const output = runPythonTests('tests.test_iam_backend');
    expect(output).toMatch(/test_token_is_generated_for_every_new_connection .* ok/);
  });

  test('SQS queue emails: web queues e-mails, `consume_queue emails` sends and deletes them, leaves failures, stops on SIGTERM', () => {
    const output = runPythonTests('tests.test_queues');
    expect(output).toMatch(/test_enqueue_email_sends_json_to_the_url_from_the_environment .* ok/);
    expect(output).toMatch(/test_a_handled_message_is_sent_then_deleted_with_one_log_line_each .* ok/);
    expect(output).toMatch(/test_a_failing_send_leaves_the_message_in_the_queue .* ok/);
    expect(output).toMatch(/test_sigterm_finishes_the_current_message_returns_the_rest_of_the_batch_and_stops .* ok/);
    expect(output).toMatch(/test_as_an_ecs_task_sigterm_during_the_long_poll_exits_0 .* ok/);
  });

  test('e-mail through SES: raw MIME from the sender through the configuration set, suppressed addresses skipped; the feedback queue suppresses permanent bounces and complaints; the mailer consumes both queues', () => {
    const output = runPythonTests('tests.test_ses');
    expect(output).toMatch(/test_sends_raw_mime_from_the_default_sender_through_the_configuration_set .* ok/);
    expect(output).toMatch(/test_suppressed_recipients_are_left_out_and_a_message_for_nobody_is_not_sent .* ok/);
    expect(output).toMatch(/test_permanent_bounces_and_complaints_name_the_addresses_to_suppress .* ok/);
    expect(output).toMatch(/test_the_mailer_polls_both_queues_in_turn_and_hands_each_message_to_its_queues_handler .* ok/);
    expect(output).toMatch(/test_the_models_match_the_migrations .* ok/);
  });

  test('the app reads the e-mail variables the stack sets (EMAIL_VARIABLES)', () => {
    const code = fs.readFileSync(path.join(APP_DIR, 'webapp', 'settings.py'), 'utf8');
    for (const variable of Object.values(EMAIL_VARIABLES)) expect(code).toContain(`"${variable}"`);
  });

  test('the app reads each queue URL under the name the stack sets (QUEUE_URL_<NAME>)', () => {
    const names = [...environments.flatMap((e) => e.compute.queues.map((q) => q.name)), 'email-feedback', 'bulk-mail.v2'];
    const code = 'import json, sys, tests\nfrom webapp.core.queues import queue_url_variable\nprint(json.dumps([queue_url_variable(n) for n in sys.argv[1:]]))';
    const result = spawnSync(PYTHON, ['-c', code, ...names], { cwd: APP_DIR, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', DJANGO_SETTINGS_MODULE: 'tests.settings' }, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual(names.map((n) => queueVariables(n).url));
  });

  test('migrate_locked as the app role: migrates, and a second run waits for the advisory lock', () => {
    const output = runPythonTests('tests.test_migrate_locked');
    expect(output).toMatch(/test_a_second_run_waits_for_the_lock .* ok/);
    expect(pg.query("SELECT tableowner FROM pg_tables WHERE tablename = 'core_note'", { database: DATABASE })).toBe(APP_USER);
  });
});
