/**
 * One-off commands (migrations, createsuperuser, shells) run as a Fargate task from the one-off
 * task definition, in the environment's cluster, private subnets and security group. Secrets come
 * from the task definition, never from the caller's machine. The release command runs its
 * database-setup and migration tasks through the same runner.
 */
import { DescribeTasksCommand, RunTaskCommand, Task } from '@aws-sdk/client-ecs';
import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { OutputsSource, Sender, StackOutputs, awsErrorName, loadStackOutputs, stackOutputsFrom } from './aws';
import { CommandError } from './command';

export const USAGE = `usage: npm run task -- <environment> [--admin] [--outputs <file>] [--outdir <dir>] [--timeout <minutes>] <command...>
  e.g. npm run task -- staging python manage.py migrate
       npm run task -- prod --outputs outputs.json python manage.py createsuperuser --noinput
       npm run task -- prod --admin psql -c 'select version()'
--admin runs the command on the database-admin task instead of the app's one-off task: a Postgres
client image (psql, pg_dump, pg_restore) connected as the RDS master user (PGHOST, PGUSER,
PGDATABASE, PGPASSWORD from RDS's secret); for dump and restore (docs/migrating.md).
Reads the stack outputs (terraform output in <outdir, cdktf.out>/stacks/<environment>, or --outputs <file>
written by \`cdktf output <environment> --outputs-file <file>\`), starts the one-off task, streams its
logs, waits for it to stop and exits with the container's exit code.`;

export interface TaskArgs {
  readonly environment: string;
  /** On the database-admin task (the master user, a Postgres client image) instead of the app's one-off task. */
  readonly admin?: boolean;
  readonly command: string[];
  readonly outputsFile?: string;
  /** The synthesized output folder whose stack folder `terraform output` reads (cdktf.out). */
  readonly outdir?: string;
  readonly timeoutMinutes: number;
}

/**
 * Parses `<environment> [--outputs f] [--timeout m] <command...>`. Hand-rolled on purpose: the
 * command after the options is passed through verbatim, flags included (`--noinput`), which a
 * general option parser would try to interpret.
 */
export function parseTaskArgs(argv: string[]): TaskArgs {
  const args = [...argv];
  const usage = (message: string) => new CommandError(`${message}\n${USAGE}`, 2);
  if (args[0] === '--') args.shift();
  const environment = args.shift();
  if (!environment || environment.startsWith('-')) throw usage('missing environment');
  let outputsFile: string | undefined;
  let outdir: string | undefined;
  let timeoutMinutes = 60;
  let admin = false;
  while (args[0]?.startsWith('--')) {
    const flag = args.shift()!;
    if (flag === '--') break;
    if (flag === '--admin') {
      admin = true;
      continue;
    }
    if (!['--outputs', '--outdir', '--timeout'].includes(flag)) throw usage(`unknown option ${flag}`);
    const value = args.shift();
    if (value === undefined) throw usage(`${flag} needs a value`);
    if (flag === '--outputs') outputsFile = value;
    else if (flag === '--outdir') outdir = value;
    else {
      timeoutMinutes = Number(value);
      if (!(timeoutMinutes > 0)) throw new CommandError(`--timeout must be a positive number of minutes, got "${value}"`, 2);
    }
  }
  if (args.length === 0) throw usage('missing command to run');
  return { environment, command: args, outputsFile, timeoutMinutes, ...(outdir ? { outdir } : {}), ...(admin ? { admin } : {}) };
}

/** Where and how a task runs. */
export interface TaskOutputs {
  readonly region: string;
  readonly cluster: string;
  /** Family (latest active revision) or a task definition ARN. */
  readonly taskDefinition: string;
  readonly subnets: string[];
  readonly securityGroup: string;
  readonly logGroup: string;
  readonly containerName: string;
  /** awslogs stream prefix of the task definition (its process name: `task`, `db-admin`). */
  readonly streamPrefix?: string;
}

const REQUIRED = ['aws_region', 'ecs_cluster_name', 'oneoff_task_definition_family', 'private_subnet_ids', 'oneoff_security_group_id', 'oneoff_log_group_name', 'app_container_name'];

/** The one-off task from stack outputs (`terraform output -json` or cdktf's outputs file). */
export function taskOutputsFrom(raw: Record<string, unknown>, environment: string): TaskOutputs {
  return oneOffTask(stackOutputsFrom(raw, environment));
}

/** The one-off task of an environment. */
export function oneOffTask(outputs: StackOutputs): TaskOutputs {
  const missing = REQUIRED.filter((n) => !outputs.has(n));
  if (missing.length > 0) {
    throw new CommandError(`stack outputs of "${outputs.environment}" lack ${missing.join(', ')}: deploy the stack first (cdktf deploy ${outputs.environment})`);
  }
  return {
    region: outputs.string('aws_region'),
    cluster: outputs.string('ecs_cluster_name'),
    taskDefinition: outputs.string('oneoff_task_definition_family'),
    subnets: outputs.list('private_subnet_ids'),
    securityGroup: outputs.string('oneoff_security_group_id'),
    logGroup: outputs.string('oneoff_log_group_name'),
    containerName: outputs.string('app_container_name'),
    streamPrefix: 'task',
  };
}

/** The database-admin task of an environment: the one-off task's cluster and subnets, its own family, group and logs. */
export function databaseAdminTask(outputs: StackOutputs): TaskOutputs {
  return {
    ...oneOffTask(outputs),
    taskDefinition: outputs.string('db_admin_task_definition_family'),
    securityGroup: outputs.string('db_admin_security_group_id'),
    logGroup: outputs.string('db_admin_log_group_name'),
    streamPrefix: 'db-admin',
  };
}

/** Reads outputs from a file, or from `terraform output -json` in the synthesized stack folder. */
export function loadTaskOutputs(args: TaskArgs, projectDir: string, source: OutputsSource = {}): TaskOutputs {
  const outputs = loadStackOutputs(args.environment, projectDir, { outdir: args.outdir, ...source, outputsFile: args.outputsFile });
  return args.admin ? databaseAdminTask(outputs) : oneOffTask(outputs);
}

export interface RunResult {
  readonly taskArn: string;
  readonly exitCode: number;
  /** False when the container never produced one (it never started, or was killed). */
  readonly hasExitCode: boolean;
  readonly logStream: string;
  readonly stoppedReason?: string;
  readonly seconds: number;
}

export interface RunOptions {
  readonly timeoutMs: number;
  readonly pollMs?: number;
  readonly log?: (line: string) => void;
  /** CloudWatch Logs client: when given, the task's log lines are printed as they arrive. */
  readonly logs?: Sender;
  /** Who started it (`startedBy`), shown in the console and used to find release tasks. */
  readonly startedBy?: string;
  readonly group?: string;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Starts the task, polls until it stops (or the timeout), and reports the container's exit code. */
export async function runOneOffTask(ecs: Sender, outputs: TaskOutputs, command: string[] | undefined, opts: RunOptions): Promise<RunResult> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? defaultSleep;
  const started = now();
  const result = await ecs.send(
    new RunTaskCommand({
      cluster: outputs.cluster,
      taskDefinition: outputs.taskDefinition,
      launchType: 'FARGATE',
      count: 1,
      startedBy: opts.startedBy ?? 'run-task-script',
      group: opts.group,
      networkConfiguration: {
        awsvpcConfiguration: { subnets: outputs.subnets, securityGroups: [outputs.securityGroup], assignPublicIp: 'DISABLED' },
      },
      ...(command ? { overrides: { containerOverrides: [{ name: outputs.containerName, command }] } } : {}),
    }),
  );
  const task = result.tasks?.[0];
  if (!task?.taskArn) {
    const reasons = (result.failures ?? []).map((f: { arn?: string; reason?: string }) => `${f.arn ?? ''} ${f.reason ?? ''}`.trim()).join('; ');
    throw new CommandError(`ECS did not start the task: ${reasons || 'no task returned'}`);
  }
  const taskId = task.taskArn.split('/').pop()!;
  // awslogs stream name: <stream-prefix>/<container>/<task id>.
  const logStream = `${outputs.streamPrefix ?? 'task'}/${outputs.containerName}/${taskId}`;
  log(`started ${task.taskArn}`);
  log(`logs: ${outputs.logGroup} ${logStream}`);
  log(`      https://${outputs.region}.console.aws.amazon.com/cloudwatch/home?region=${outputs.region}#logsV2:log-groups/log-group/${encodeURIComponent(encodeURIComponent(outputs.logGroup))}/log-events/${encodeURIComponent(encodeURIComponent(logStream))}`);
  const tail = opts.logs ? logTail(opts.logs, outputs.logGroup, logStream, log) : undefined;

  const deadline = started + opts.timeoutMs;
  let current: Task | undefined = task;
  let lastStatus = '';
  while (current?.lastStatus !== 'STOPPED') {
    if (now() > deadline) throw new CommandError(`task ${taskId} still ${current?.lastStatus} after the timeout; it keeps running (stop it with aws ecs stop-task)`);
    await sleep(opts.pollMs ?? 5000);
    const described = await ecs.send(new DescribeTasksCommand({ cluster: outputs.cluster, tasks: [task.taskArn] }));
    current = described.tasks?.[0];
    if (current?.lastStatus && current.lastStatus !== lastStatus) {
      lastStatus = current.lastStatus;
      log(`status: ${lastStatus}`);
    }
    await tail?.();
  }
  await tail?.();
  const container = current.containers?.find((c) => c.name === outputs.containerName);
  const hasExitCode = container?.exitCode !== undefined && container.exitCode !== null;
  if (!hasExitCode) log(`no exit code: ${current.stoppedReason ?? 'unknown reason'} ${container?.reason ?? ''}`.trim());
  return {
    taskArn: task.taskArn,
    exitCode: hasExitCode ? container!.exitCode! : 1,
    hasExitCode,
    logStream,
    stoppedReason: current.stoppedReason,
    seconds: Math.round((now() - started) / 1000),
  };
}

/** Prints new log lines of a stream each time it is called (the stream appears once the task runs). */
function logTail(logs: Sender, group: string, stream: string, log: (line: string) => void): () => Promise<void> {
  let token: string | undefined;
  return async () => {
    for (let page = 0; page < 20; page++) {
      let out: { events?: { message?: string }[]; nextForwardToken?: string };
      try {
        out = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true, nextToken: token }));
      } catch (e) {
        if (awsErrorName(e) === 'ResourceNotFoundException') return;
        throw e;
      }
      for (const event of out.events ?? []) log(`  | ${String(event.message ?? '').replace(/\n$/, '')}`);
      if (!out.nextForwardToken || out.nextForwardToken === token) return;
      token = out.nextForwardToken;
      if ((out.events ?? []).length === 0) return;
    }
  };
}
