/**
 * Running hours from an up/down pair of AWS cron schedules (Application Auto Scaling scheduled
 * actions, EventBridge Scheduler stop/start). Pure functions, no clock, no time zone database.
 *
 * Understood: `cron(M H ? * DAYS *)` (day-of-month `?` or `*`, month `*`, year `*` or absent)
 * with M and H plain numbers and DAYS `*`, `?`, a name or number (1 = SUN ... 7 = SAT), a range
 * (`MON-FRI`) or a comma list of those (`MON,WED,FRI`, `MON-WED,SAT`). Anything else is "not
 * understood" and the caller assumes the full month.
 *
 * The time zone (`timezone`, `schedule_expression_timezone`) shifts the window in absolute time
 * but not its length, so the weekly total does not depend on it (the two daylight-saving weeks a
 * year, when a day is 23 or 25 hours long, are ignored).
 */

export const HOURS_PER_MONTH = 730;
export const WEEKS_PER_MONTH = 52 / 12;
const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

/** A parsed weekly cron: fires at `minute`:`hour` on each day of `days` (0 = Sunday ... 6 = Saturday). */
export interface WeeklyCron {
  readonly minute: number;
  readonly hour: number;
  readonly days: readonly number[];
}

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function dayIndex(token: string): number | undefined {
  const upper = token.toUpperCase();
  const byName = DAY_NAMES.indexOf(upper);
  if (byName >= 0) return byName;
  if (/^[1-7]$/.test(token)) return Number(token) - 1; // AWS: 1 = SUN
  return undefined;
}

function parseDays(field: string): number[] | undefined {
  if (field === '*' || field === '?') return [0, 1, 2, 3, 4, 5, 6];
  const days = new Set<number>();
  for (const part of field.split(',')) {
    const range = /^([A-Za-z0-9]+)-([A-Za-z0-9]+)$/.exec(part);
    if (range) {
      const from = dayIndex(range[1]);
      const to = dayIndex(range[2]);
      if (from === undefined || to === undefined || to < from) return undefined;
      for (let d = from; d <= to; d++) days.add(d);
    } else {
      const d = dayIndex(part);
      if (d === undefined) return undefined;
      days.add(d);
    }
  }
  return [...days].sort((a, b) => a - b);
}

/** Parses `cron(M H ? * DAYS *)`; undefined for any other form. */
export function parseWeeklyCron(expression: unknown): WeeklyCron | undefined {
  if (typeof expression !== 'string') return undefined;
  const m = /^\s*cron\((.*)\)\s*$/.exec(expression);
  if (!m) return undefined;
  const fields = m[1].trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) return undefined;
  const [minute, hour, dayOfMonth, month, dayOfWeek, year = '*'] = fields;
  if (!/^\d{1,2}$/.test(minute) || !/^\d{1,2}$/.test(hour)) return undefined;
  if (!['?', '*'].includes(dayOfMonth) || month !== '*' || year !== '*') return undefined;
  const mi = Number(minute);
  const h = Number(hour);
  if (mi > 59 || h > 23) return undefined;
  const days = parseDays(dayOfWeek);
  if (!days || days.length === 0) return undefined;
  return { minute: mi, hour: h, days };
}

export type ScheduleHours =
  | { readonly understood: true; readonly weeklyHours: number; readonly monthlyHours: number; readonly description: string }
  | { readonly understood: false; readonly weeklyHours: number; readonly monthlyHours: number; readonly description: string };

const ALWAYS: ScheduleHours = { understood: true, weeklyHours: 168, monthlyHours: HOURS_PER_MONTH, description: 'around the clock' };

function notUnderstood(expressions: readonly string[]): ScheduleHours {
  return {
    understood: false,
    weeklyHours: 168,
    monthlyHours: HOURS_PER_MONTH,
    description: `schedule not understood (${expressions.join(', ')}), full month assumed`,
  };
}

/**
 * Weekly and monthly running hours of something started by the `up` crons and stopped by the
 * `down` crons. Monthly = weekly × 52/12, never more than 730. No down cron: always running.
 */
export function runningHours(upExpressions: readonly string[], downExpressions: readonly string[]): ScheduleHours {
  if (downExpressions.length === 0) return ALWAYS;
  const ups = upExpressions.map(parseWeeklyCron);
  const downs = downExpressions.map(parseWeeklyCron);
  if ([...ups, ...downs].some((c) => c === undefined)) return notUnderstood([...upExpressions, ...downExpressions]);
  if (ups.length === 0) {
    return { understood: true, weeklyHours: 0, monthlyHours: 0, description: `stopped by ${downExpressions.join(', ')} and never started` };
  }

  // Events over one week in minutes; at the same minute, "down" is applied before "up".
  type Event = { at: number; up: boolean };
  const events: Event[] = [];
  const add = (cron: WeeklyCron, up: boolean) => {
    for (const d of cron.days) events.push({ at: d * MINUTES_PER_DAY + cron.hour * 60 + cron.minute, up });
  };
  ups.forEach((c) => add(c!, true));
  downs.forEach((c) => add(c!, false));
  events.sort((a, b) => a.at - b.at || Number(a.up) - Number(b.up));

  // The state at the start of the week is the state left by the last event of the (cyclic) week.
  let running = events[events.length - 1].up;
  let last = 0;
  let minutes = 0;
  for (const e of events) {
    if (running) minutes += e.at - last;
    running = e.up;
    last = e.at;
  }
  if (running) minutes += MINUTES_PER_WEEK - last;

  const weeklyHours = minutes / 60;
  const monthlyHours = Math.min(HOURS_PER_MONTH, weeklyHours * WEEKS_PER_MONTH);
  return {
    understood: true,
    weeklyHours,
    monthlyHours,
    description: `up ${upExpressions.join(', ')} / down ${downExpressions.join(', ')}: ${round2(weeklyHours)} h/week`,
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * The night schedule as a week strip (docs/cost.md, `npm run docs`): one row per day from Monday,
 * one cell per hour, `█` awake and `·` asleep at the start of that hour, in the schedule's time zone.
 */
export function weekStrip(schedule: { up: string; down: string; timezone: string }, name: string): string {
  const up = parseWeeklyCron(schedule.up);
  const down = parseWeeklyCron(schedule.down);
  if (!up || !down) return `${name}: ${schedule.up} / ${schedule.down} (not a weekly schedule this strip can draw)`;
  const events: { at: number; up: boolean }[] = [];
  for (const [cron, isUp] of [[up, true], [down, false]] as const) for (const d of cron.days) events.push({ at: d * MINUTES_PER_DAY + cron.hour * 60 + cron.minute, up: isUp });
  events.sort((a, b) => a.at - b.at || Number(a.up) - Number(b.up));
  /** Awake at this minute of the week (0 = Sunday 00:00): the last event at or before it, cyclically. */
  const awake = (minute: number) => [...events].reverse().find((e) => e.at <= minute)?.up ?? events[events.length - 1].up;
  const rows = [1, 2, 3, 4, 5, 6, 0].map((day) => `${DAY_NAMES[day].charAt(0)}${DAY_NAMES[day].slice(1).toLowerCase()}  ${Array.from({ length: 24 }, (_, h) => (awake(day * MINUTES_PER_DAY + h * 60) ? '█' : '·')).join('')}`);
  const hours = runningHours([schedule.up], [schedule.down]);
  return [
    `${name}, ${schedule.timezone}: awake ${hours.understood ? round2(hours.weeklyHours) : '?'} h of 168 a week`,
    `     0     6     12    18   24`,
    ...rows,
  ].join('\n');
}
