/**
 * Copilot's value formats in this project's terms: schedules (Copilot's `on.schedule` forms to
 * EventBridge Scheduler expressions), Go-style durations, counts and commands. Pure functions;
 * each throws an Error with a message the importer prefixes with the file and field.
 */

import { isRecord } from './reader';

/** Copilot's predefined schedules (scheduled-job manifest, `on.schedule`), in UTC like Copilot's. */
const PREDEFINED: Record<string, string> = {
  '@yearly': 'cron(0 0 1 1 ? *)',
  '@annually': 'cron(0 0 1 1 ? *)',
  '@monthly': 'cron(0 0 1 * ? *)',
  '@weekly': 'cron(0 0 ? * SUN *)',
  '@daily': 'cron(0 0 * * ? *)',
  '@midnight': 'cron(0 0 * * ? *)',
  '@hourly': 'cron(0 * * * ? *)',
};

/**
 * A Copilot schedule as an EventBridge Scheduler expression, or `undefined` for `none` (no trigger).
 * - `@hourly` ... `@yearly`: the cron Copilot uses for them;
 * - `@every 1h30m`: `rate(90 minutes)` (whole minutes only: EventBridge's smallest rate unit);
 * - a 5-field cron (`*\/15 9-17 * * 1-5`): the 6-field form with a year, `?` in day-of-month or
 *   day-of-week (EventBridge needs one of them unset), and numeric weekdays moved from cron's
 *   0-6 (Sunday = 0 or 7) to EventBridge's 1-7 (Sunday = 1).
 */
export function translateSchedule(schedule: string): string | undefined {
  const value = schedule.trim();
  if (value === 'none') return undefined;
  if (PREDEFINED[value]) return PREDEFINED[value];
  const every = /^@every\s+(.+)$/.exec(value);
  if (every) {
    const seconds = durationSeconds(every[1]);
    if (seconds < 60 || seconds % 60 !== 0) throw new Error(`"${value}": EventBridge schedules run at most once a minute, in whole minutes; use a multiple of 1m`);
    const minutes = seconds / 60;
    if (minutes % 1440 === 0) return rate(minutes / 1440, 'day');
    if (minutes % 60 === 0) return rate(minutes / 60, 'hour');
    return rate(minutes, 'minute');
  }
  const fields = value.split(/\s+/);
  if (fields.length !== 5) throw new Error(`"${value}" is not a Copilot schedule: use a 5-field cron ("0 3 * * *"), @hourly/@daily/@weekly/@monthly/@yearly, "@every <duration>" or "none"`);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields;
  const weekdays = dayOfWeek === '*' || dayOfWeek === '?' ? '?' : awsWeekdays(dayOfWeek);
  const days = weekdays === '?' ? (dayOfMonth === '?' ? '*' : dayOfMonth) : '?';
  if (weekdays !== '?' && dayOfMonth !== '*' && dayOfMonth !== '?') {
    throw new Error(`"${value}" sets both a day of the month and a day of the week: EventBridge takes one of them; split it into two jobs`);
  }
  return `cron(${minute} ${hour} ${days} ${month} ${weekdays} *)`;
}

const rate = (n: number, unit: string) => `rate(${n} ${unit}${n === 1 ? '' : 's'})`;

/** Numeric weekdays of a cron field, cron's 0-7 (0 and 7 = Sunday) to EventBridge's 1-7 (1 = Sunday); names stay. */
function awsWeekdays(field: string): string {
  // EventBridge's day-of-week takes , - * ? L # but no steps.
  if (field.includes('/')) throw new Error(`day of week "${field}" has a step: EventBridge does not take steps there; list the days (e.g. "1,3,5")`);
  return field.replace(/\d+/g, (d) => {
    const n = Number(d);
    if (n > 7) throw new Error(`day of week ${n} does not exist (cron uses 0-7, 0 and 7 being Sunday)`);
    return String((n % 7) + 1);
  });
}

/** A Go duration (`1h30m`, `90s`, `2m`, `250ms`) in seconds (fractions kept); a bare number is seconds. */
export function durationSeconds(value: string | number): number {
  if (typeof value === 'number') return value;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  let total = 0;
  let rest = text;
  while (rest.length > 0) {
    const m = /^(\d+(?:\.\d+)?)(h|ms|m|s)/.exec(rest);
    if (!m) throw new Error(`"${value}" is not a duration: use Go's form, e.g. "30s", "10m", "1h30m"`);
    total += Number(m[1]) * units[m[2]];
    rest = rest.slice(m[0].length);
  }
  return Math.round(total * 1000) / 1000;
}

/** Copilot's `count`: a number, a range (`1-10`), or a map with `range`, scaling targets and `spot_from`. */
export interface CopilotCount {
  readonly min: number;
  readonly max: number;
  readonly spotFrom?: number;
  readonly cpuPercentage?: number;
  readonly memoryPercentage?: number;
  readonly requests?: number;
  readonly responseTimeSeconds?: number;
  readonly queueDelay?: { readonly acceptableLatencySeconds?: number; readonly processingSeconds?: number };
}


function range(value: unknown): { min: number; max: number; spotFrom?: number } {
  if (typeof value === 'string') {
    const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(value);
    if (!m) throw new Error(`range "${value}" is not "<min>-<max>"`);
    return { min: Number(m[1]), max: Number(m[2]) };
  }
  if (isRecord(value) && typeof value.min === 'number' && typeof value.max === 'number') {
    return { min: value.min, max: value.max, ...(typeof value.spot_from === 'number' ? { spotFrom: value.spot_from } : {}) };
  }
  throw new Error(`range ${JSON.stringify(value)} is neither "<min>-<max>" nor {min, max}`);
}

export function parseCount(count: unknown): CopilotCount | undefined {
  if (count === undefined || count === null) return undefined;
  if (typeof count === 'number') return { min: count, max: count };
  if (typeof count === 'string') return range(count);
  if (!isRecord(count)) throw new Error(`${JSON.stringify(count)} is not a count`);
  const bounds = count.range !== undefined ? range(count.range) : typeof count.spot === 'number' ? { min: count.spot, max: count.spot, spotFrom: 0 } : { min: 1, max: 1 };
  const queue = isRecord(count.queue_delay) ? count.queue_delay : undefined;
  const number = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const target = (v: unknown) => (isRecord(v) ? number(v.value) : number(v));
  const responseTime = isRecord(count.response_time) ? count.response_time.value : count.response_time;
  return {
    ...bounds,
    ...(typeof count.spot_from === 'number' ? { spotFrom: count.spot_from } : {}),
    cpuPercentage: target(count.cpu_percentage),
    memoryPercentage: target(count.memory_percentage),
    requests: target(count.requests),
    responseTimeSeconds: responseTime === undefined ? undefined : durationSeconds(responseTime as string),
    queueDelay: queue
      ? {
          acceptableLatencySeconds: queue.acceptable_latency === undefined ? undefined : durationSeconds(queue.acceptable_latency as string),
          processingSeconds: queue.msg_processing_time === undefined ? undefined : durationSeconds(queue.msg_processing_time as string),
        }
      : undefined,
  };
}

/**
 * A Copilot command (a string, split the way Copilot splits it: on spaces, with single and double
 * quotes grouping; or a list) as an argument list.
 */
export function commandArgs(command: unknown): string[] | undefined {
  if (command === undefined || command === null) return undefined;
  if (Array.isArray(command)) return command.map(String);
  const text = String(command);
  const args: string[] = [];
  let current = '';
  let quote: string | undefined;
  let started = false;
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = undefined;
      else current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      started = true;
    } else if (/\s/.test(c)) {
      if (started || current) args.push(current);
      current = '';
      started = false;
    } else current += c;
  }
  if (quote) throw new Error(`command ${JSON.stringify(text)} has an unclosed ${quote}`);
  if (started || current) args.push(current);
  return args;
}
