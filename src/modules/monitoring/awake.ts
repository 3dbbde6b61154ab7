import { ScheduleConfig } from '../../config/types';

/**
 * When a sleeping environment is awake, as CloudWatch metric math: alarms about things the night
 * schedule stops (tasks, healthy targets, a stopped database) are judged only inside this window,
 * and read a constant, non-breaching value outside it. Quiet at night by construction: the window
 * comes from the schedule itself, not from a metric that may or may not be published (ALB reports
 * HealthyHostCount only while a target group has registered targets; ECS reports nothing for a
 * service without running tasks; a stopped RDS instance publishes nothing).
 *
 * Metric math has the date functions for exactly this (CloudWatch user guide, "Metric math syntax
 * and functions": MINUTE, HOUR, DAY "take the period and range of the time series and return a new
 * non-sparse time series where each value is based on its timestamp"; AWS blog "Enhance CloudWatch
 * metrics with metric math functions": days are numbered 1 to 7, Monday to Sunday, hours 0-23).
 * Their timestamps are UTC, while the schedule runs in its own time zone: the window is the part of
 * the week that is awake under every UTC offset the zone uses (summer and winter time), less a
 * wake-up grace after each `up`, so daylight saving time never makes an alarm judge a sleeping
 * environment (it may skip an hour of an awake one).
 */

const WEEK = 7 * 24 * 60;
const DAY_MINUTES = 24 * 60;
/** Minutes after `up` before anything is judged: tasks start, pass health checks, the database starts (RDS takes several minutes). */
export const WAKE_UP_GRACE_MINUTES = 15;

/** EventBridge cron day-of-week: 1-7 = SUN-SAT. Here: 0 = Monday ... 6 = Sunday, as DAY() - 1. */
const DAY_NAMES = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];
const cronDay = (token: string): number | undefined => {
  if (/^[1-7]$/.test(token)) return (Number(token) + 5) % 7;
  const i = DAY_NAMES.indexOf(token.toUpperCase());
  return i < 0 ? undefined : i;
};

/** A time of day on some weekdays: what the night schedule's `up` and `down` are. */
export interface DailyTime {
  readonly minuteOfDay: number;
  /** 0 = Monday ... 6 = Sunday. */
  readonly days: readonly number[];
}

/**
 * `cron(M H ? * DAYS *)` or `cron(M H * * ? *)` as a time of day on weekdays; a string naming
 * what is wrong otherwise (validation reports it with the field).
 */
export function parseDailyCron(expression: string): DailyTime | string {
  const m = /^cron\((.*)\)$/.exec(expression.trim());
  const fields = m ? m[1].trim().split(/\s+/) : [];
  const shape = 'a time of day on weekdays: cron(MINUTE HOUR ? * DAYS *), e.g. "cron(0 7 ? * MON-FRI *)", or every day "cron(0 7 * * ? *)"';
  if (fields.length !== 6) return `is not ${shape}`;
  const [minute, hour, dom, month, dow, year] = fields;
  if (!/^\d{1,2}$/.test(minute) || Number(minute) > 59 || !/^\d{1,2}$/.test(hour) || Number(hour) > 23) return `needs one minute and one hour (no lists, ranges or steps): ${shape}`;
  if (month !== '*' || year !== '*') return `must run every month of every year: ${shape}`;
  let days: number[];
  if (dom === '*' && dow === '?') days = [0, 1, 2, 3, 4, 5, 6];
  else if (dom === '?' && dow !== '?') {
    const found = new Set<number>();
    for (const part of dow === '*' ? ['MON-SUN'] : dow.split(',')) {
      const [from, to] = part.split('-');
      const a = cronDay(from);
      const b = to === undefined ? a : cronDay(to);
      if (a === undefined || b === undefined || part.split('-').length > 2) return `has day-of-week "${dow}": use names (MON-FRI) or 1-7 (1 = SUN), lists and ranges only`;
      // A range runs forward through the week (FRI-MON = Fri, Sat, Sun, Mon), as cron reads it with SUN = 1.
      for (let d = a; ; d = (d + 1) % 7) {
        found.add(d);
        if (d === b) break;
      }
    }
    days = [...found].sort();
  } else return `runs on days of the month: ${shape}`;
  return { minuteOfDay: Number(hour) * 60 + Number(minute), days };
}

/** UTC offsets (minutes, local = UTC + offset) a time zone uses during the year of `at`. */
export function zoneOffsets(timeZone: string, at: Date = new Date()): number[] {
  const year = at.getUTCFullYear();
  const format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
  const offsets = new Set<number>();
  for (let month = 0; month < 12; month++) {
    for (const day of [1, 15]) {
      const instant = Date.UTC(year, month, day, 12);
      const parts = Object.fromEntries(format.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
      const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
      offsets.add(Math.round((local - instant) / 60000));
    }
  }
  return [...offsets].sort((a, b) => a - b);
}

/** Awake minutes of the local week (index 0 = Monday 00:00 local), the grace after each `up` excluded. */
function localWeek(up: DailyTime, down: DailyTime, grace: number): boolean[] {
  const events = [
    ...up.days.map((d) => ({ at: d * DAY_MINUTES + up.minuteOfDay, awake: true })),
    ...down.days.map((d) => ({ at: d * DAY_MINUTES + down.minuteOfDay, awake: false })),
  ].sort((a, b) => a.at - b.at || Number(a.awake) - Number(b.awake));
  const week = new Array<boolean>(WEEK).fill(false);
  if (events.length === 0) return week;
  // The state at minute 0 is the last event's (the week wraps around).
  let state = events[events.length - 1].awake;
  let sinceUp = state ? grace : 0;
  let next = 0;
  for (let t = 0; t < WEEK; t++) {
    while (next < events.length && events[next].at === t) {
      if (events[next].awake && !state) sinceUp = 0;
      state = events[next].awake;
      next++;
    }
    week[t] = state && sinceUp >= grace;
    if (state) sinceUp++;
  }
  return week;
}

/** Awake minutes of the UTC week (index 0 = Monday 00:00 UTC): awake under every offset of the zone. */
export function awakeUtcWeek(schedule: Pick<ScheduleConfig, 'up' | 'down' | 'timezone'>, at: Date = new Date(), grace = WAKE_UP_GRACE_MINUTES): boolean[] {
  const up = parseDailyCron(schedule.up);
  const down = parseDailyCron(schedule.down);
  if (typeof up === 'string' || typeof down === 'string') throw new Error(`schedule: ${typeof up === 'string' ? `up ${up}` : `down ${down}`}`);
  const local = localWeek(up, down, grace);
  const offsets = schedule.timezone === 'UTC' ? [0] : zoneOffsets(schedule.timezone, at);
  return Array.from({ length: WEEK }, (_, u) => offsets.every((o) => local[(((u + o) % WEEK) + WEEK) % WEEK]));
}

/** Metric math that is 1 while awake, 0 asleep, over the UTC day of the week (1-7) and minute of the day (0-1439). */
export function awakeExpression(utcWeek: readonly boolean[], day = 'utcday', minute = 'utcminute'): string {
  // Per UTC day, its awake minutes as [start, end) ranges; days with the same ranges share a clause.
  const ranges = Array.from({ length: 7 }, (_, d) => {
    const out: [number, number][] = [];
    for (let t = 0; t < DAY_MINUTES; t++) {
      if (!utcWeek[d * DAY_MINUTES + t]) continue;
      if (out.length > 0 && out[out.length - 1][1] === t) out[out.length - 1][1] = t + 1;
      else out.push([t, t + 1]);
    }
    return out;
  });
  const groups = new Map<string, number[]>();
  ranges.forEach((r, d) => r.length > 0 && groups.set(JSON.stringify(r), [...(groups.get(JSON.stringify(r)) ?? []), d + 1]));
  if (groups.size === 0) return '0';
  const daysCondition = (days: number[]) => {
    // Runs of consecutive days as ranges: MON-FRI is one comparison pair, not five.
    const runs: [number, number][] = [];
    for (const d of days) {
      if (runs.length > 0 && runs[runs.length - 1][1] === d - 1) runs[runs.length - 1][1] = d;
      else runs.push([d, d]);
    }
    if (runs.length === 1 && runs[0][0] === 1 && runs[0][1] === 7) return undefined;
    return runs.map(([a, b]) => (a === b ? `${day} == ${a}` : `(${day} >= ${a} AND ${day} <= ${b})`)).join(' OR ');
  };
  const minuteCondition = (r: [number, number][]) => {
    if (r.length === 1 && r[0][0] === 0 && r[0][1] === DAY_MINUTES) return undefined;
    return r.map(([s, e]) => [s > 0 ? `${minute} >= ${s}` : '', e < DAY_MINUTES ? `${minute} < ${e}` : ''].filter(Boolean).join(' AND ')).map((c) => `(${c})`).join(' OR ');
  };
  const clauses = [...groups].map(([key, days]) => {
    const parts = [daysCondition(days), minuteCondition(JSON.parse(key))].filter((p): p is string => p !== undefined).map((p) => `(${p})`);
    return parts.length === 0 ? '1' : parts.join(' AND ');
  });
  return clauses.length === 1 ? clauses[0] : clauses.map((c) => `(${c})`).join(' OR ');
}

/** The helper expressions an alarm adds to judge `m1` only while awake (ids: utcday, utcminute, awake; not function names). */
export interface AwakeWindow {
  /** Non-returned expressions by id, in dependency order. */
  readonly expressions: Record<string, string>;
  /** Boolean id to use in IF(). */
  readonly condition: string;
}

/** The awake window of a night schedule, over the time stamps of the metric `timeSource` (an id of the alarm). */
export function awakeWindow(schedule: Pick<ScheduleConfig, 'up' | 'down' | 'timezone'>, timeSource = 'm1', at: Date = new Date()): AwakeWindow {
  return {
    expressions: {
      utcday: `DAY(${timeSource})`,
      utcminute: `60 * HOUR(${timeSource}) + MINUTE(${timeSource})`,
      awake: awakeExpression(awakeUtcWeek(schedule, at)),
    },
    condition: 'awake',
  };
}
