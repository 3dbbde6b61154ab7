import { defineEnvironment } from './defaults';
import { EnvironmentConfig } from './types';

/**
 * The shipped environments. Each states only what is its own; everything else is the default of
 * its kind (src/config/defaults.ts). Nothing here is a secret. The example account id is AWS's
 * documentation account: replace it with yours (Terraform then refuses to touch any other).
 */
const project = {
  project: 'webapp',
  region: 'eu-west-1',
  accountId: '123456789012',
};

/** The shipped config runs the reference app in examples/django/. */
const celery = { name: 'celery', command: ['celery', '-A', 'webapp', 'worker', '-l', 'info'] };
const app = {
  environment: { DJANGO_SETTINGS_MODULE: 'webapp.settings' },
  // Set its value with: npm run secret -- set <env> SENTRY_DSN
  secrets: ['SENTRY_DSN'],
};
/** migrate under a Postgres advisory lock (examples/django/webapp/core/management/commands/migrate_locked.py). */
const release = { migrationCommand: ['python', 'manage.py', 'migrate_locked', '--noinput'] };

export const staging: EnvironmentConfig = defineEnvironment({
  ...project,
  name: 'staging',
  production: false,
  domain: { name: 'staging.example.com', dns: { zoneMode: 'lookup', zoneName: 'example.com', exportRecords: false } },
  network: { cidr: '10.20.0.0/16' },
  compute: { ...app, workers: [celery] },
  release,
  // Staging pages nobody: its alarms notify the team's warning route only.
  monitoring: { warning: { emails: ['platform-team@example.com'] } },
  tags: { owner: 'platform' },
});

export const prod: EnvironmentConfig = defineEnvironment({
  ...project,
  name: 'prod',
  production: true,
  domain: { name: 'example.com', appAliases: ['www'] },
  network: { cidr: '10.10.0.0/16' },
  compute: { ...app, workers: [celery] },
  release,
  monitoring: { critical: { emails: ['oncall@example.com'] }, warning: { emails: ['platform-team@example.com'] } },
  tags: { owner: 'platform' },
});

/** Every environment the app synthesizes, in deploy order. */
export const environments: EnvironmentConfig[] = [staging, prod];
