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
/**
 * The Celery worker has no HTTP errors to roll a bad release back on: its own CPU and memory alarms
 * do (a release that spins or leaks is undone; ECS deployment alarms).
 */
const celery = { name: 'celery', command: ['celery', '-A', 'webapp', 'worker', '-l', 'info'], rollbackOn: { cpuPercent: 90, memoryPercent: 90 } };
const app = {
  environment: { DJANGO_SETTINGS_MODULE: 'webapp.settings' },
  // Set its value with: npm run secret -- set <env> SENTRY_DSN
  secrets: ['SENTRY_DSN'],
};
/**
 * The workloads of the reference app: a JSON API on its own host name behind an nginx sidecar
 * (the load balancer targets nginx, which proxies to gunicorn), a queue of e-mails sent by web and
 * worked by its own worker (scaling on backlog), and a nightly job clearing expired sessions.
 */
const nginx = {
  name: 'nginx',
  image: 'public.ecr.aws/nginx/nginx:1.27-alpine',
  port: 8080,
  dependsOn: [{ container: 'app', condition: 'START' as const }],
  // A minimal proxy config written at start: nothing to build into an image.
  command: ['sh', '-c', `printf 'server { listen 8080; location / { proxy_pass http://127.0.0.1:8001; proxy_set_header Host $host; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto; } }' > /etc/nginx/conf.d/default.conf && exec nginx -g 'daemon off;'`],
  cpu: 64,
  memory: 64,
};
const workloads = {
  services: [{ name: 'api', hosts: ['api'], sendsTo: ['emails'], command: ['gunicorn', 'webapp.wsgi', '--bind', '127.0.0.1:8001'], containerPort: 8001, sidecars: [nginx], targetContainer: 'nginx' }],
  queues: [{ name: 'emails' }],
  // The mailer sends the queued e-mails through SES and stops mailing the addresses SES reports as bouncing or complaining.
  mailer: { name: 'mailer', command: ['python', 'manage.py', 'consume_queue', 'emails', 'email-feedback'], queues: ['emails', 'email-feedback'], processingSeconds: 2, acceptableLatencySeconds: 60, taskTimeoutSeconds: 120 },
  jobs: [{ name: 'clearsessions', schedule: 'cron(0 3 * * ? *)', timezone: 'Europe/Dublin', command: ['python', 'manage.py', 'clearsessions'], timeoutMinutes: 30 }],
};

/**
 * GitHub Actions delivers both environments (docs/delivery.md, "Continuous delivery"): pull requests plan
 * with a read-only role, pushes to main release staging, then prod after an approval on the
 * "production" GitHub environment. Replace the repository with yours.
 */
const repository = 'acme/webapp';

/**
 * E-mail through SES (docs/email.md): from no-reply@ the environment's domain, sent by the
 * mailer only; DMARC starts at `none` (reports to the address below) until every sender aligns.
 */
const email = { sentBy: ['mailer'], dmarc: { policy: 'none' as const, reportTo: 'dmarc-reports@example.com' } };

/** migrate under a Postgres advisory lock (examples/django/webapp/core/management/commands/migrate_locked.py). */
const release = { migrationCommand: ['python', 'manage.py', 'migrate_locked', '--noinput'] };

export const staging: EnvironmentConfig = defineEnvironment({
  ...project,
  name: 'staging',
  production: false,
  domain: { name: 'staging.example.com', dns: { zoneMode: 'lookup', zoneName: 'example.com', exportRecords: false } },
  network: { cidr: '10.20.0.0/16' },
  compute: {
    ...app,
    web: { sendsTo: ['emails'] },
    services: workloads.services,
    workers: [celery, workloads.mailer],
    queues: workloads.queues,
    // Staging's database is stopped at night: its jobs run in the morning, once it is up again.
    jobs: workloads.jobs.map((job) => ({ ...job, schedule: 'cron(30 7 ? * MON-FRI *)' })),
  },
  release,
  delivery: { github: { repository, environment: 'staging', branch: 'main' } },
  email,
  // Asleep at night and at weekends (services at zero, the database stopped): see docs/cost.md, "Night schedule".
  schedule: { timezone: 'Europe/Dublin', up: 'cron(0 7 ? * MON-FRI *)', down: 'cron(0 20 ? * MON-FRI *)', stopDatabase: true },
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
  compute: {
    ...app,
    web: { sendsTo: ['emails'] },
    services: workloads.services,
    workers: [celery, workloads.mailer],
    queues: workloads.queues,
    jobs: workloads.jobs,
  },
  release,
  monitoring: { critical: { emails: ['oncall@example.com'] }, warning: { emails: ['platform-team@example.com'] } },
  delivery: { github: { repository, environment: 'production', branch: 'main' } },
  email,
  tags: { owner: 'platform' },
});

/** Every environment the app synthesizes, in deploy order. */
export const environments: EnvironmentConfig[] = [staging, prod];
