import { DescribeTasksCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadTaskOutputs, parseTaskArgs, runOneOffTask, taskOutputsFrom, TaskOutputs } from '../src/ops/one-off-task';

describe('argument handling', () => {
  test('environment then the command, verbatim', () => {
    expect(parseTaskArgs(['staging', 'python', 'manage.py', 'migrate', '--noinput'])).toEqual({
      environment: 'staging', command: ['python', 'manage.py', 'migrate', '--noinput'], outputsFile: undefined, timeoutMinutes: 60,
    });
  });

  test('npm run passes a leading --', () => {
    expect(parseTaskArgs(['--', 'prod', 'ls']).environment).toBe('prod');
  });

  test('options before the command; flags after it belong to the command', () => {
    const args = parseTaskArgs(['prod', '--outputs', 'o.json', '--timeout', '5', 'python', 'manage.py', 'shell', '--command', 'x']);
    expect(args).toMatchObject({ outputsFile: 'o.json', timeoutMinutes: 5, command: ['python', 'manage.py', 'shell', '--command', 'x'] });
  });

  test('--admin: the database-admin task (dump and restore, docs/migrating.md)', () => {
    expect(parseTaskArgs(['prod', '--admin', 'pg_dump', '--format=custom'])).toEqual({ environment: 'prod', admin: true, command: ['pg_dump', '--format=custom'], outputsFile: undefined, timeoutMinutes: 60 });
  });

  test.each([
    [[], /missing environment/],
    [['--outputs', 'x'], /missing environment/],
    [['staging'], /missing command/],
    [['staging', '--timeout', '0', 'ls'], /positive number/],
    [['staging', '--bogus', '1', 'ls'], /unknown option --bogus/],
    [['staging', '--outputs'], /needs a value/],
  ])('%j is rejected', (argv, message) => {
    expect(() => parseTaskArgs(argv as string[])).toThrow(message);
  });
});

describe('stack outputs', () => {
  const values = {
    aws_region: 'eu-west-1', ecs_cluster_name: 'webapp-staging', oneoff_task_definition_family: 'webapp-staging-task',
    private_subnet_ids: ['subnet-1', 'subnet-2'], oneoff_security_group_id: 'sg-1', oneoff_log_group_name: '/ecs/webapp-staging/task', app_container_name: 'app',
  };

  test('reads `terraform output -json`', () => {
    const tf = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v, type: 'string', sensitive: false }]));
    expect(taskOutputsFrom(tf, 'staging')).toEqual({
      region: 'eu-west-1', cluster: 'webapp-staging', taskDefinition: 'webapp-staging-task', subnets: ['subnet-1', 'subnet-2'],
      securityGroup: 'sg-1', logGroup: '/ecs/webapp-staging/task', containerName: 'app', streamPrefix: 'task',
    });
  });

  test("reads cdktf's outputs file (keyed by stack)", () => {
    expect(taskOutputsFrom({ staging: values }, 'staging').cluster).toBe('webapp-staging');
  });

  test('--admin runs on the database-admin task: its family, security group and logs, in the one-off task\'s cluster and subnets', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'task-outputs-'));
    try {
      const file = path.join(dir, 'outputs.json');
      fs.writeFileSync(file, JSON.stringify({ prod: { ...values, db_admin_task_definition_family: 'webapp-prod-db-admin', db_admin_security_group_id: 'sg-admin', db_admin_log_group_name: '/ecs/webapp-prod/db-admin' } }));
      const admin = loadTaskOutputs(parseTaskArgs(['prod', '--admin', '--outputs', file, 'psql', '-c', 'select 1']), dir);
      expect(admin).toEqual({
        region: 'eu-west-1', cluster: 'webapp-staging', taskDefinition: 'webapp-prod-db-admin', subnets: ['subnet-1', 'subnet-2'],
        securityGroup: 'sg-admin', logGroup: '/ecs/webapp-prod/db-admin', containerName: 'app', streamPrefix: 'db-admin',
      });
      expect(loadTaskOutputs(parseTaskArgs(['prod', '--outputs', file, 'ls']), dir).taskDefinition).toBe('webapp-staging-task');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('names the missing outputs and the fix', () => {
    expect(() => taskOutputsFrom({ aws_region: { value: 'eu-west-1' } }, 'prod')).toThrow(/lack ecs_cluster_name.*cdktf deploy prod/);
  });
});

describe('running the task (stubbed ECS client)', () => {
  const outputs: TaskOutputs = {
    region: 'eu-west-1', cluster: 'webapp-staging', taskDefinition: 'webapp-staging-task', subnets: ['subnet-1'],
    securityGroup: 'sg-1', logGroup: '/ecs/webapp-staging/task', containerName: 'app',
  };
  const arn = 'arn:aws:ecs:eu-west-1:123456789012:task/webapp-staging/abc123';

  function stub(describeResults: any[], runResult: any = { tasks: [{ taskArn: arn, lastStatus: 'PROVISIONING' }] }) {
    const calls: any[] = [];
    const send = jest.fn(async (cmd: any) => {
      calls.push(cmd);
      if (cmd instanceof RunTaskCommand) return runResult;
      if (cmd instanceof DescribeTasksCommand) return { tasks: [describeResults.shift()] };
      throw new Error('unexpected command');
    });
    return { client: { send } as any, calls };
  }

  test('starts the one-off task in the private subnets with the command, waits, returns the exit code', async () => {
    const { client, calls } = stub([
      { taskArn: arn, lastStatus: 'RUNNING' },
      { taskArn: arn, lastStatus: 'STOPPED', containers: [{ name: 'app', exitCode: 3 }] },
    ]);
    const lines: string[] = [];
    const result = await runOneOffTask(client, outputs, ['python', 'manage.py', 'migrate'], { timeoutMs: 10_000, pollMs: 1, log: (l) => lines.push(l) });
    expect(result.exitCode).toBe(3);
    const run = calls[0].input;
    expect(run).toMatchObject({
      cluster: 'webapp-staging',
      taskDefinition: 'webapp-staging-task',
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' } },
      overrides: { containerOverrides: [{ name: 'app', command: ['python', 'manage.py', 'migrate'] }] },
    });
    // Nothing from the caller's environment is passed: secrets come from the task definition.
    expect(run.overrides.containerOverrides[0].environment).toBeUndefined();
    expect(calls.filter((c) => c instanceof DescribeTasksCommand)).toHaveLength(2);
    expect(lines.join('\n')).toContain('/ecs/webapp-staging/task task/app/abc123');
  });

  test('a task that never gets an exit code fails with its stop reason', async () => {
    const { client } = stub([{ taskArn: arn, lastStatus: 'STOPPED', stoppedReason: 'CannotPullContainerError', containers: [{ name: 'app' }] }]);
    const lines: string[] = [];
    const result = await runOneOffTask(client, outputs, ['true'], { timeoutMs: 10_000, pollMs: 1, log: (l) => lines.push(l) });
    expect(result.exitCode).toBe(1);
    expect(lines.join('\n')).toContain('CannotPullContainerError');
  });

  test('ECS refusing to start the task is an error with its reasons', async () => {
    const { client } = stub([], { tasks: [], failures: [{ reason: 'MISSING' }] });
    await expect(runOneOffTask(client, outputs, ['true'], { timeoutMs: 1000, pollMs: 1, log: () => undefined })).rejects.toThrow(/did not start the task: MISSING/);
  });

  test('times out without hanging', async () => {
    const { client } = stub(Array(1000).fill({ taskArn: arn, lastStatus: 'RUNNING' }));
    await expect(runOneOffTask(client, outputs, ['sleep', '999'], { timeoutMs: 20, pollMs: 5, log: () => undefined })).rejects.toThrow(/still RUNNING after the timeout/);
  });
});
