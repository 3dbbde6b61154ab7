import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { awsClients, clientEndpoint, stackOutputsFrom } from '../src/ops/aws';
import { knownEnvironment } from '../src/ops/cli';
import { CommandError, asUsageError } from '../src/ops/command';
import { execCommandArgs, execPrerequisites, execTarget } from '../src/ops/exec';
import { formatLine, lineOf, logGroupsFor, sinceMs, streamLogs } from '../src/ops/logs';
import { environmentStatus, formatStatus, imageTagOf } from '../src/ops/status';
import { paint, table, visibleLength, wantsColour } from '../src/ops/terminal';

/**
 * The daily verbs a Copilot user types (status, logs, exec) against stubbed AWS clients: what they
 * read, how they print it, and every ordinary mistake as one line with the fix. The emulator e2e
 * runs them against a deployed environment.
 */
const outputs = stackOutputsFrom({
  ecs_cluster_name: { value: 'webapp-staging' },
  service_names: { value: ['webapp-staging-web', 'webapp-staging-api', 'webapp-staging-celery'] },
  log_group_names: { value: ['/ecs/webapp-staging/web', '/ecs/webapp-staging/api', '/ecs/webapp-staging/celery', '/ecs/webapp-staging/task'] },
  app_container_name: { value: 'app' },
  image_tag_parameter: { value: '/webapp/staging/image-tag' },
  aws_region: { value: 'eu-west-1' },
  app_url: { value: 'https://staging.example.com' },
  dashboard_url: { value: 'https://console.aws.amazon.com/cloudwatch/home#dashboards:name=webapp-staging' },
  release: { value: { lock_parameter: '/webapp/staging/release-lock' } },
}, 'staging');

/** A stub client: each command class answers with a function of its input. */
function stub(answers: [new (...args: any[]) => any, (input: any) => any][]) {
  const calls: { name: string; input: any }[] = [];
  return {
    calls,
    send: async (command: any) => {
      calls.push({ name: command.constructor.name, input: command.input });
      const found = answers.find(([type]) => command instanceof type);
      if (!found) throw new Error(`unexpected ${command.constructor.name}`);
      return found[1](command.input);
    },
  };
}
const notFound = () => {
  throw Object.assign(new Error('not found'), { name: 'ParameterNotFound' });
};
const service = (name: string, desired: number, running: number, rollout = 'COMPLETED', extra: any[] = []) => ({
  serviceName: name, desiredCount: desired, runningCount: running, pendingCount: desired - running,
  deployments: [{ status: 'PRIMARY', taskDefinition: `arn:td/${name}:2`, rolloutState: rollout, ...(rollout === 'FAILED' ? { rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.' } : {}) }, ...extra],
});

describe('npm run status', () => {
  const clients = (services: any[], tag: string | undefined, alarms: any[] = [], lock = false) => ({
    ecs: stub([
      [DescribeServicesCommand, (input) => ({ services: services.filter((s) => input.services.includes(s.serviceName)) })],
      [DescribeTaskDefinitionCommand, (input) => ({ taskDefinition: { containerDefinitions: [{ name: 'nginx', image: 'public.ecr.aws/nginx/nginx:1.27' }, { name: 'app', image: `123.dkr.ecr.eu-west-1.amazonaws.com/webapp-staging:${input.taskDefinition.endsWith(':1') ? 'v1' : 'v7'}` }] } })],
    ]),
    ssm: stub([[GetParameterCommand, (input) => (input.Name.endsWith('image-tag') && tag ? { Parameter: { Value: tag, LastModifiedDate: new Date('2026-12-03T10:00:00Z') } } : input.Name.endsWith('release-lock') && lock ? { Parameter: { Value: 'ci run 42', LastModifiedDate: new Date('2026-12-03T10:05:00Z') } } : notFound())]]),
    cloudwatch: stub([[DescribeAlarmsCommand, () => ({ MetricAlarms: alarms })]]),
  });

  test('a healthy environment: every service, its tasks, image and rollout; no alarm; the URLs', async () => {
    const c = clients([service('webapp-staging-web', 2, 2), service('webapp-staging-api', 1, 1), service('webapp-staging-celery', 1, 1)], 'v7');
    const status = await environmentStatus(c, outputs);
    expect(status).toMatchObject({ environment: 'staging', state: 'running', release: { tag: 'v7', at: '2026-12-03T10:00:00.000Z' }, alarms: [], urls: { app: 'https://staging.example.com' } });
    expect(status.services.map((s) => [s.name, s.desired, s.running, s.pending, s.imageTag, s.rollout])).toEqual([
      ['webapp-staging-web', 2, 2, 0, 'v7', 'COMPLETED'], ['webapp-staging-api', 1, 1, 0, 'v7', 'COMPLETED'], ['webapp-staging-celery', 1, 1, 0, 'v7', 'COMPLETED'],
    ]);
    // The alarms are the stack's own (its name prefix), only those in ALARM.
    expect(c.cloudwatch.calls[0].input).toEqual({ AlarmNamePrefix: 'webapp-staging-', StateValue: 'ALARM', NextToken: undefined });
    const text = formatStatus(status, paint(false));
    expect(text.split('\n').slice(0, 2)).toEqual(['staging (eu-west-1): running', 'release: v7 since 2026-12-03T10:00:00.000Z']);
    expect(text.split('\n').slice(3, 6)).toEqual([
      'service                desired  running  pending  image  rollout',
      '---------------------  -------  -------  -------  -----  ---------',
      'webapp-staging-web     2        2        0        v7     COMPLETED',
    ]);
    expect(text).toMatch(/alarms: none in ALARM\napp: https:\/\/staging\.example\.com\ndashboard: /);
  });

  test('a failed rollout, a task missing, an alarm firing and a release under way: degraded, said in red where it matters', async () => {
    const alarm = { AlarmName: 'webapp-staging-web-target-5xx-rate', StateReason: 'Threshold Crossed: 3 datapoints were greater than 5.0', StateUpdatedTimestamp: new Date('2026-12-03T10:06:00Z') };
    const status = await environmentStatus(clients([service('webapp-staging-web', 2, 1, 'FAILED', [{ status: 'ACTIVE', taskDefinition: 'arn:td/web:1' }]), service('webapp-staging-api', 1, 1)], 'v7', [alarm], true), outputs);
    expect(status.state).toBe('degraded');
    expect(status.release.inProgress).toEqual({ since: '2026-12-03T10:05:00.000Z', holder: 'ci run 42' });
    expect(status.services[2]).toMatchObject({ name: 'webapp-staging-celery', rollout: 'MISSING' });
    const text = formatStatus(status, paint(false));
    expect(text).toContain('release: v7 since 2026-12-03T10:00:00.000Z (a release is under way since 2026-12-03T10:05:00.000Z)');
    expect(text).toContain('FAILED: ECS deployment circuit breaker: tasks failed to start.');
    expect(text).toContain('alarms in ALARM (1):\n  webapp-staging-web-target-5xx-rate since 2026-12-03T10:06:00.000Z: Threshold Crossed');
    const coloured = formatStatus(status, paint(true));
    expect(coloured).toContain('\u001b[31mFAILED');
    expect(coloured).toContain('\u001b[31m1\u001b[39m');
  });

  test('a long list of alarms: the first ten, and how many more', async () => {
    const alarms = Array.from({ length: 13 }, (_, i) => ({ AlarmName: `webapp-staging-alarm-${i}`, StateReason: 'r' }));
    const status = await environmentStatus(clients([service('webapp-staging-web', 1, 1)], 'v7', alarms), outputs);
    const text = formatStatus(status, paint(false));
    expect(text).toContain('alarms in ALARM (13):');
    expect(text).toContain('webapp-staging-alarm-9: r\n  ... and 3 more (--json lists them all)');
    expect(text).not.toContain('webapp-staging-alarm-10');
    expect(status.alarms).toHaveLength(13);
  });

  test('asleep at night, or not released yet', async () => {
    const asleep = await environmentStatus(clients([service('webapp-staging-web', 0, 0), service('webapp-staging-api', 0, 0), service('webapp-staging-celery', 0, 0)], 'v7'), outputs);
    expect(formatStatus(asleep, paint(false))).toMatch(/^staging \(eu-west-1\): asleep \(night schedule: every service at 0 tasks\)/);
    const fresh = await environmentStatus(clients([service('webapp-staging-web', 0, 0)], undefined), outputs);
    expect([fresh.state, fresh.release.tag]).toEqual(['unreleased', 'unreleased']);
  });

  test('image tags of any reference', () => {
    expect([imageTagOf('repo/app:v1.2'), imageTagOf('localhost:5000/app'), imageTagOf('repo/app@sha256:abc'), imageTagOf(undefined)]).toEqual(['v1.2', 'latest', 'sha256:abc', '?']);
  });
});

describe('npm run logs', () => {
  test('one service\'s group by its short name (or its full name); all of them without; a typo gets "did you mean"', () => {
    expect(logGroupsFor(outputs, 'api')).toEqual([{ name: 'api', group: '/ecs/webapp-staging/api' }]);
    expect(logGroupsFor(outputs, 'webapp-staging-api')).toEqual([{ name: 'api', group: '/ecs/webapp-staging/api' }]);
    expect(logGroupsFor(outputs).map((g) => g.name)).toEqual(['web', 'api', 'celery', 'task']);
    expect(() => logGroupsFor(outputs, 'celry')).toThrow(new CommandError('no service "celry" in staging: did you mean "celery"? (web, api, celery, task)'));
  });

  test('--since in s, m, h, d; anything else is one line with the fix', () => {
    expect([sinceMs('90s'), sinceMs('10m'), sinceMs('2h'), sinceMs('1d')]).toEqual([90_000, 600_000, 7_200_000, 86_400_000]);
    expect(() => sinceMs('ten minutes')).toThrow(/--since is "ten minutes": give a number and s, m, h or d/);
  });

  test('each line: the time, the process/container and the task; colours per container and task on a terminal', () => {
    const line = lineOf({ timestamp: Date.UTC(2026, 11, 3, 10, 0, 0), logStreamName: 'api/nginx/0123456789abcdef', message: 'GET /healthz 200\n', eventId: 'e1' });
    expect(line).toEqual({ timestamp: Date.UTC(2026, 11, 3, 10, 0, 0), source: 'api/nginx', task: '01234567', message: 'GET /healthz 200', eventId: 'e1' });
    expect(formatLine(line, paint(false))).toBe('2026-12-03T10:00:00Z api/nginx 01234567  GET /healthz 200');
    const coloured = formatLine(line, paint(true));
    expect(coloured).not.toBe(formatLine(line, paint(false)));
    expect(visibleLength(coloured)).toBe(formatLine(line, paint(false)).length);
  });

  test('every group is read page by page with the filter, the lines interleaved by time; --follow prints new events once', async () => {
    const pages: Record<string, any[]> = {
      '/ecs/webapp-staging/web': [{ events: [{ timestamp: 3, logStreamName: 'web/app/t1', message: 'c', eventId: '3' }], nextToken: 'n' }, { events: [{ timestamp: 5, logStreamName: 'web/app/t1', message: 'e', eventId: '5' }] }],
      '/ecs/webapp-staging/api': [{ events: [{ timestamp: 4, logStreamName: 'api/app/t2', message: 'd', eventId: '4' }] }],
    };
    const logs = stub([[FilterLogEventsCommand, (input) => (input.nextToken ? pages[input.logGroupName][1] : pages[input.logGroupName][0])]]);
    const printed: string[] = [];
    let rounds = 0;
    const count = await streamLogs(logs, Object.keys(pages), { sinceMs: 60_000, filter: '"ERROR"', follow: true, now: () => 100_000, pollMs: 1, stop: () => ++rounds >= 2, print: (l) => printed.push(l.message) });
    // The second round sees the same events again: none is printed twice.
    expect([count, printed]).toEqual([3, ['c', 'd', 'e']]);
    expect(logs.calls[0].input).toEqual({ logGroupName: '/ecs/webapp-staging/web', startTime: 40_000, nextToken: undefined, filterPattern: '"ERROR"' });
  });
});

describe('npm run exec', () => {
  test('a running task of the service with ECS Exec on; the AWS CLI call that opens the session', async () => {
    const ecs = stub([
      [ListTasksCommand, () => ({ taskArns: ['arn:task/a', 'arn:task/b'] })],
      [DescribeTasksCommand, () => ({ tasks: [{ taskArn: 'arn:task/a', lastStatus: 'PROVISIONING', enableExecuteCommand: true }, { taskArn: 'arn:task/b', lastStatus: 'RUNNING', enableExecuteCommand: true }] })],
    ]);
    const target = await execTarget(ecs, outputs, 'web');
    expect(target).toEqual({ cluster: 'webapp-staging', task: 'arn:task/b', process: 'web' });
    expect(ecs.calls[0].input).toEqual({ cluster: 'webapp-staging', serviceName: 'webapp-staging-web', desiredStatus: 'RUNNING' });
    expect(execCommandArgs(target, 'eu-west-1', 'app', [])).toEqual(['ecs', 'execute-command', '--region', 'eu-west-1', '--cluster', 'webapp-staging', '--task', 'arn:task/b', '--container', 'app', '--interactive', '--command', '/bin/sh']);
    expect(execCommandArgs(target, 'eu-west-1', 'app', ['python', 'manage.py', 'shell', '-c', "print('hi there')"]).at(-1)).toBe(`python manage.py shell -c 'print('\\''hi there'\\'')'`);
  });

  test('no task (asleep or unreleased), ECS Exec off, nothing RUNNING yet: one line each, with what to do', async () => {
    const none = stub([[ListTasksCommand, () => ({ taskArns: [] })]]);
    await expect(execTarget(none, outputs, 'web')).rejects.toThrow(/webapp-staging-web runs no task right now: it may be asleep \(night schedule\) or not released yet; see npm run status -- staging/);
    const off = stub([[ListTasksCommand, () => ({ taskArns: ['t'] })], [DescribeTasksCommand, () => ({ tasks: [{ taskArn: 't', lastStatus: 'RUNNING', enableExecuteCommand: false }] })]]);
    await expect(execTarget(off, outputs, 'web')).rejects.toThrow(/ECS Exec is off for webapp-staging-web: set compute\.enableExec: true for staging/);
    await expect(execTarget(none, outputs, 'wbe')).rejects.toThrow(/no service "wbe" in staging: did you mean "web"\?/);
  });

  test('without the AWS CLI or the Session Manager plugin: says what to install, with AWS\'s page', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'path-'));
    expect(execPrerequisites({ PATH: empty })).toEqual([
      expect.stringMatching(/the AWS CLI v2 is not installed .*getting-started-install\.html/),
      expect.stringMatching(/the Session Manager plugin is not installed .*session-manager-working-with-install-plugin\.html/),
    ]);
    fs.writeFileSync(path.join(empty, 'aws'), '#!/bin/sh\n', { mode: 0o755 });
    fs.writeFileSync(path.join(empty, 'session-manager-plugin'), '#!/bin/sh\n', { mode: 0o755 });
    expect(execPrerequisites({ PATH: empty })).toEqual([]);
  });
});

describe('shared by the daily commands', () => {
  test('an unknown environment: did you mean; none at all: the usage', () => {
    expect(() => knownEnvironment('stagin', 'usage: x')).toThrow(new CommandError('no environment "stagin": did you mean "staging"? (src/config/environments.ts has staging, prod)', 2));
    expect(() => knownEnvironment(undefined, 'usage: x')).toThrow(/missing environment \(staging, prod\)\nusage: x/);
    expect(knownEnvironment('prod', 'usage: x')).toBe('prod');
  });

  test('an unknown option is a usage error (exit 2, one line and the usage), not a stack trace', () => {
    const parseError = Object.assign(new TypeError("Unknown option '--sinse'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--sinse\"'"), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
    const usage = asUsageError(parseError, 'usage: npm run logs');
    expect(usage).toBeInstanceOf(CommandError);
    // Without node's hint about positionals after '--': the usage follows.
    expect([(usage as CommandError).exitCode, usage.message.split('\n')]).toEqual([2, ["Unknown option '--sinse'", 'usage: npm run logs']]);
    const bug = new Error('boom');
    expect(asUsageError(bug)).toBe(bug);
  });

  test('colour only on a terminal that wants it; tables align on what is visible', () => {
    expect([wantsColour({ isTTY: true }, {}), wantsColour({ isTTY: false }, {}), wantsColour({ isTTY: true }, { NO_COLOR: '1' }), wantsColour({ isTTY: false }, { FORCE_COLOR: '1' }), wantsColour({ isTTY: true }, { FORCE_COLOR: '0' })]).toEqual([true, false, false, true, false]);
    const red = paint(true).red;
    expect(table(['a', 'b'], [[red('xx'), '1'], ['y', '22']]).split('\n').map((l) => l.replace(/\u001b\[\d+m/g, ''))).toEqual(['a   b', '--  --', 'xx  1', 'y   22']);
  });
});

describe('one setting aims cdktf and every command at the local emulator', () => {
  test('CDKTF_AWS_ENDPOINT (loopback only) is the clients\' endpoint too; AWS_ENDPOINT_URL wins; nothing set: AWS', async () => {
    expect(clientEndpoint({ CDKTF_AWS_ENDPOINT: 'http://127.0.0.1:5000/' })).toBe('http://127.0.0.1:5000');
    expect(clientEndpoint({ CDKTF_AWS_ENDPOINT: 'http://127.0.0.1:5000', AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' })).toBeUndefined();
    expect(clientEndpoint({})).toBeUndefined();
    expect(() => clientEndpoint({ CDKTF_AWS_ENDPOINT: 'https://ecs.eu-west-1.amazonaws.com' })).toThrow(/not a loopback address/);
    const { ecs, cloudwatch } = awsClients('eu-west-1', { CDKTF_AWS_ENDPOINT: 'http://127.0.0.1:5000' });
    for (const client of [ecs, cloudwatch]) expect(await client.config.endpoint!()).toMatchObject({ hostname: '127.0.0.1', port: 5000, protocol: 'http:' });
  });
});
