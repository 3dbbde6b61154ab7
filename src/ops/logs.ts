/**
 * `npm run logs -- <env> [service] [--since 10m] [--follow] [--filter <pattern>]` (Copilot's
 * `copilot svc logs`): the CloudWatch Logs of every container of a service (or of every service),
 * interleaved by time, each line naming its task and container; `--follow` keeps polling.
 */
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { closest } from 'fastest-levenshtein';
import { CommandError } from './command';
import { Sender, StackOutputs, serviceNames, sleep } from './aws';
import { Paint } from './terminal';

export const LOGS_USAGE = `usage: npm run logs -- <environment> [service] [--since 10m] [--follow] [--filter <pattern>] [--outputs <file>] [--outdir <dir>] [--json]
  e.g. npm run logs -- staging web --since 1h
       npm run logs -- prod mailer --follow --filter '"ERROR"'
Every container of the service (app and sidecars), or of every service and the one-off task with
no service; each line shows the time, the process/container and the task. --since takes s, m, h or d
(default 10m); --filter is a CloudWatch Logs filter pattern; --json prints one event per line.`;

/** `90s`, `10m`, `2h`, `1d` in milliseconds. */
export function sinceMs(text: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  if (!m) throw new CommandError(`--since is "${text}": give a number and s, m, h or d, e.g. 10m or 2h`, 2);
  return Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

/** The log groups to read: one service's (by its short name), or all of them. */
export function logGroupsFor(outputs: StackOutputs, service?: string): { name: string; group: string }[] {
  const cluster = outputs.string('ecs_cluster_name');
  const groups = outputs.list('log_group_names');
  // Groups are /ecs/<cluster>/<process>; services <cluster>-<process>.
  const processes = groups.map((group) => ({ name: group.split('/').pop()!, group }));
  if (!service) return processes;
  const short = service.startsWith(`${cluster}-`) ? service.slice(cluster.length + 1) : service;
  const found = processes.find((p) => p.name === short);
  if (!found) {
    const known = [...new Set([...processes.map((p) => p.name), ...serviceNames(outputs).map((n) => n.slice(cluster.length + 1))])];
    throw new CommandError(`no service "${service}" in ${outputs.environment}: did you mean "${closest(short, known)}"? (${known.join(', ')})`, 2);
  }
  return [found];
}

export interface LogLine {
  readonly timestamp: number;
  /** The process (awslogs stream prefix) and container: `web/app`, `web/nginx`. */
  readonly source: string;
  /** The task id (the stream's last part), shortened for the eye. */
  readonly task: string;
  readonly message: string;
  readonly eventId?: string;
}

/** An awslogs stream name is `<prefix>/<container>/<task id>`. */
export function lineOf(event: { timestamp?: number; logStreamName?: string; message?: string; eventId?: string }): LogLine {
  const parts = String(event.logStreamName ?? '').split('/');
  const task = parts.length >= 3 ? parts[parts.length - 1] : '';
  const source = parts.length >= 3 ? parts.slice(0, -1).join('/') : parts.join('/');
  return { timestamp: event.timestamp ?? 0, source, task: task.slice(0, 8), message: String(event.message ?? '').replace(/\n$/, ''), eventId: event.eventId };
}

export function formatLine(line: LogLine, paint: Paint): string {
  const time = new Date(line.timestamp).toISOString().replace('.000Z', 'Z');
  return `${paint.dim(time)} ${paint.byKey(line.source, line.source)} ${paint.byKey(`${line.source} ${line.task}`, line.task)}  ${line.message}`;
}

/** Every event of the groups since `startTime`, in time order (each group read page by page). */
export async function readLogs(logs: Sender, groups: string[], startTime: number, filterPattern?: string): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  for (const group of groups) {
    let nextToken: string | undefined;
    do {
      const page: any = await logs.send(new FilterLogEventsCommand({ logGroupName: group, startTime, nextToken, ...(filterPattern ? { filterPattern } : {}) }));
      lines.push(...(page.events ?? []).map(lineOf));
      nextToken = page.nextToken;
    } while (nextToken);
  }
  return lines.sort((a, b) => a.timestamp - b.timestamp);
}

/**
 * Prints the events since `since`, then with `follow` polls every `pollMs` for newer ones (events
 * seen already are skipped by id) until `stop()` says so.
 */
export async function streamLogs(logs: Sender, groups: string[], options: { sinceMs: number; filter?: string; follow: boolean; print: (line: LogLine) => void; now?: () => number; pollMs?: number; stop?: () => boolean }): Promise<number> {
  const now = options.now ?? Date.now;
  let start = now() - options.sinceMs;
  const seen = new Set<string>();
  let printed = 0;
  for (;;) {
    for (const line of await readLogs(logs, groups, start, options.filter)) {
      if (line.eventId && seen.has(line.eventId)) continue;
      if (line.eventId) seen.add(line.eventId);
      options.print(line);
      printed += 1;
      start = Math.max(start, line.timestamp);
    }
    if (!options.follow || options.stop?.()) return printed;
    await sleep(options.pollMs ?? 2000);
  }
}
