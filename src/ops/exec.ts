/**
 * `npm run exec -- <env> <service> [command...]` (Copilot's `copilot svc exec`): ECS Exec into a
 * running task of the service, a shell by default. The AWS CLI opens the session; it needs AWS's
 * Session Manager plugin, and the environment needs ECS Exec on (compute.enableExec).
 */
import * as fs from 'fs';
import * as path from 'path';
import { DescribeTasksCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { CommandError } from './command';
import { Sender, StackOutputs } from './aws';
import { logGroupsFor } from './logs';

export const EXEC_USAGE = `usage: npm run exec -- <environment> <service> [--container <name>] [--outputs <file>] [--outdir <dir>] [command...]
  e.g. npm run exec -- staging web
       npm run exec -- staging web python manage.py shell
       npm run exec -- staging api --container nginx nginx -T
Opens an ECS Exec session in a running task of the service (the app container unless --container),
running the command (default /bin/sh). Needs the AWS CLI v2 and the Session Manager plugin, and
compute.enableExec on in the environment (the default outside production).`;

export const SESSION_MANAGER_PLUGIN_DOCS = 'https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html';
export const AWS_CLI_DOCS = 'https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html';

/** Whether an executable is on the PATH (what a shell would find). */
export function onPath(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD').split(';') : [''];
  return (env.PATH ?? '').split(path.delimiter).filter(Boolean).some((dir) => exts.some((ext) => {
    try {
      fs.accessSync(path.join(dir, name + ext), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }));
}

/** What must be installed before a session can open; each problem says how to fix it. */
export function execPrerequisites(env: NodeJS.ProcessEnv = process.env): string[] {
  const missing: string[] = [];
  if (!onPath('aws', env)) missing.push(`the AWS CLI v2 is not installed (no "aws" on the PATH): ${AWS_CLI_DOCS}`);
  if (!onPath('session-manager-plugin', env)) missing.push(`the Session Manager plugin is not installed (no "session-manager-plugin" on the PATH), which the AWS CLI needs for ECS Exec: ${SESSION_MANAGER_PLUGIN_DOCS}`);
  return missing;
}

/** A running task of the service that accepts ECS Exec, or why there is none. */
export async function execTarget(ecs: Sender, outputs: StackOutputs, service: string): Promise<{ cluster: string; task: string; process: string }> {
  const cluster = outputs.string('ecs_cluster_name');
  // The same short names as `npm run logs` (and the same "did you mean").
  const [{ name: process }] = logGroupsFor(outputs, service);
  const serviceName = `${cluster}-${process}`;
  const { taskArns = [] } = await ecs.send(new ListTasksCommand({ cluster, serviceName, desiredStatus: 'RUNNING' }));
  if (taskArns.length === 0) {
    throw new CommandError(`${serviceName} runs no task right now: it may be asleep (night schedule) or not released yet; see npm run status -- ${outputs.environment}`);
  }
  const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: taskArns }));
  const ready = tasks.find((t: any) => t.lastStatus === 'RUNNING' && t.enableExecuteCommand);
  if (!ready) {
    const off = tasks.every((t: any) => !t.enableExecuteCommand);
    throw new CommandError(off
      ? `ECS Exec is off for ${serviceName}: set compute.enableExec: true for ${outputs.environment} (off in production by default), deploy, and let new tasks start`
      : `no task of ${serviceName} is RUNNING yet (${tasks.map((t: any) => t.lastStatus).join(', ')}): try again in a minute`);
  }
  return { cluster, task: String(ready.taskArn), process };
}

/** The AWS CLI call that opens the session. */
export function execCommandArgs(target: { cluster: string; task: string }, region: string, container: string, command: string[]): string[] {
  const line = command.length === 0 ? '/bin/sh' : command.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
  return ['ecs', 'execute-command', '--region', region, '--cluster', target.cluster, '--task', target.task, '--container', container, '--interactive', '--command', line];
}
