/**
 * One-off commands (migrations, createsuperuser, shells) run as a Fargate task from the one-off
 * task definition, in the environment's cluster, private subnets and security group. Secrets come
 * from the task definition, never from the caller's machine.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { DescribeTasksCommand, ECSClient, RunTaskCommand, Task } from '@aws-sdk/client-ecs';

export const USAGE = `usage: npm run task -- <environment> [--outputs <file>] [--timeout <minutes>] <command...>
  e.g. npm run task -- staging python manage.py migrate
       npm run task -- prod --outputs outputs.json python manage.py createsuperuser --noinput
Reads the stack outputs (terraform output in cdktf.out/stacks/<environment>, or --outputs <file>
written by \`cdktf output <environment> --outputs-file <file>\`), starts the one-off task, waits for it
to stop, prints where its logs are and exits with the container's exit code.`;

export interface TaskArgs {
  readonly environment: string;
  readonly command: string[];
  readonly outputsFile?: string;
  readonly timeoutMinutes: number;
}

/** Parses `<environment> [--outputs f] [--timeout m] <command...>`; options go before the command. */
export function parseTaskArgs(argv: string[]): TaskArgs {
  const args = [...argv];
  if (args[0] === '--') args.shift();
  const environment = args.shift();
  if (!environment || environment.startsWith('-')) throw new Error(`missing environment\n${USAGE}`);
  let outputsFile: string | undefined;
  let timeoutMinutes = 60;
  while (args[0]?.startsWith('--')) {
    const flag = args.shift()!;
    if (flag === '--') break;
    const value = args.shift();
    if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    if (flag === '--outputs') outputsFile = value;
    else if (flag === '--timeout') {
      timeoutMinutes = Number(value);
      if (!(timeoutMinutes > 0)) throw new Error(`--timeout must be a positive number of minutes, got "${value}"`);
    } else throw new Error(`unknown option ${flag}\n${USAGE}`);
  }
  if (args.length === 0) throw new Error(`missing command to run\n${USAGE}`);
  return { environment, command: args, outputsFile, timeoutMinutes };
}

/** The stack outputs the script needs. */
export interface TaskOutputs {
  readonly region: string;
  readonly cluster: string;
  readonly taskDefinition: string;
  readonly subnets: string[];
  readonly securityGroup: string;
  readonly logGroup: string;
  readonly containerName: string;
}

const REQUIRED = ['aws_region', 'ecs_cluster_name', 'oneoff_task_definition_family', 'private_subnet_ids', 'oneoff_security_group_id', 'oneoff_log_group_name', 'app_container_name'];

/** Accepts `terraform output -json` ({name: {value}}) or cdktf's outputs file ({stack: {name: value}}). */
export function taskOutputsFrom(raw: Record<string, unknown>, environment: string): TaskOutputs {
  const scoped = (raw[environment] && typeof raw[environment] === 'object' ? raw[environment] : raw) as Record<string, unknown>;
  const value = (name: string): unknown => {
    const entry = scoped[name];
    return entry && typeof entry === 'object' && !Array.isArray(entry) && 'value' in entry ? (entry as { value: unknown }).value : entry;
  };
  const missing = REQUIRED.filter((n) => value(n) === undefined);
  if (missing.length > 0) {
    throw new Error(`stack outputs of "${environment}" lack ${missing.join(', ')}: deploy the stack first (cdktf deploy ${environment})`);
  }
  return {
    region: String(value('aws_region')),
    cluster: String(value('ecs_cluster_name')),
    taskDefinition: String(value('oneoff_task_definition_family')),
    subnets: value('private_subnet_ids') as string[],
    securityGroup: String(value('oneoff_security_group_id')),
    logGroup: String(value('oneoff_log_group_name')),
    containerName: String(value('app_container_name')),
  };
}

/** Reads outputs from a file, or from `terraform output -json` in the synthesized stack folder. */
export function loadTaskOutputs(args: TaskArgs, projectDir: string): TaskOutputs {
  if (args.outputsFile) return taskOutputsFrom(JSON.parse(fs.readFileSync(args.outputsFile, 'utf8')), args.environment);
  const dir = path.join(projectDir, 'cdktf.out', 'stacks', args.environment);
  if (!fs.existsSync(dir)) throw new Error(`${dir} does not exist: run \`npx cdktf synth\` (and deploy ${args.environment}) first, or pass --outputs`);
  const text = execFileSync('terraform', [`-chdir=${dir}`, 'output', '-json'], { encoding: 'utf8' });
  return taskOutputsFrom(JSON.parse(text), args.environment);
}

export interface RunResult {
  readonly taskArn: string;
  readonly exitCode: number;
  readonly logStream: string;
  readonly stoppedReason?: string;
}

type Sender = Pick<ECSClient, 'send'>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the task, polls until it stops (or the timeout), and reports the container's exit code. */
export async function runOneOffTask(
  ecs: Sender,
  outputs: TaskOutputs,
  command: string[],
  opts: { timeoutMs: number; pollMs?: number; log?: (line: string) => void },
): Promise<RunResult> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const started = await ecs.send(
    new RunTaskCommand({
      cluster: outputs.cluster,
      taskDefinition: outputs.taskDefinition,
      launchType: 'FARGATE',
      count: 1,
      startedBy: 'run-task-script',
      networkConfiguration: {
        awsvpcConfiguration: { subnets: outputs.subnets, securityGroups: [outputs.securityGroup], assignPublicIp: 'DISABLED' },
      },
      overrides: { containerOverrides: [{ name: outputs.containerName, command }] },
    }),
  );
  const task = started.tasks?.[0];
  if (!task?.taskArn) {
    const reasons = (started.failures ?? []).map((f) => `${f.arn ?? ''} ${f.reason ?? ''}`.trim()).join('; ');
    throw new Error(`ECS did not start the task: ${reasons || 'no task returned'}`);
  }
  const taskId = task.taskArn.split('/').pop()!;
  // awslogs stream name: <stream-prefix>/<container>/<task id>; the prefix is the service name "task".
  const logStream = `task/${outputs.containerName}/${taskId}`;
  log(`started ${task.taskArn}`);
  log(`logs: ${outputs.logGroup} ${logStream}`);
  log(`      https://${outputs.region}.console.aws.amazon.com/cloudwatch/home?region=${outputs.region}#logsV2:log-groups/log-group/${encodeURIComponent(encodeURIComponent(outputs.logGroup))}/log-events/${encodeURIComponent(encodeURIComponent(logStream))}`);

  const deadline = Date.now() + opts.timeoutMs;
  let current: Task | undefined = task;
  let lastStatus = '';
  while (current?.lastStatus !== 'STOPPED') {
    if (Date.now() > deadline) throw new Error(`task ${taskId} still ${current?.lastStatus} after the timeout; it keeps running (stop it with aws ecs stop-task)`);
    await sleep(opts.pollMs ?? 5000);
    const described = await ecs.send(new DescribeTasksCommand({ cluster: outputs.cluster, tasks: [task.taskArn] }));
    current = described.tasks?.[0];
    if (current?.lastStatus && current.lastStatus !== lastStatus) {
      lastStatus = current.lastStatus;
      log(`status: ${lastStatus}`);
    }
  }
  const container = current.containers?.find((c) => c.name === outputs.containerName);
  const exitCode = container?.exitCode ?? 1;
  if (container?.exitCode === undefined) log(`no exit code: ${current.stoppedReason ?? 'unknown reason'} ${container?.reason ?? ''}`.trim());
  return { taskArn: task.taskArn, exitCode, logStream, stoppedReason: current.stoppedReason };
}
