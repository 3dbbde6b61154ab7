import { WAKE_UP_GRACE_MINUTES, awakeExpression, awakeUtcWeek, awakeWindow, parseDailyCron, zoneOffsets } from '../src/modules/monitoring/awake';

/**
 * The awake window of a night schedule as metric math (src/modules/monitoring/awake.ts): checked
 * against the schedule itself, minute by minute through a whole year, in the schedule's time zone
 * (daylight saving time included), by evaluating the generated expression the way CloudWatch reads
 * it: DAY() 1-7 Monday to Sunday and HOUR()/MINUTE() of the UTC time stamp.
 */

/** The generated expression as a function of the UTC day (1-7) and minute of the day. */
function evaluator(expression: string): (utcday: number, utcminute: number) => boolean {
  expect(expression).toMatch(/^[\w\s()<>=!.]+$/);
  const js = expression.replace(/\bAND\b/g, '&&').replace(/\bOR\b/g, '||');
  // eslint-disable-next-line no-new-func
  return new Function('utcday', 'utcminute', `return Boolean(${js});`) as (d: number, m: number) => boolean;
}

/**
 * Local weekday (0 = Monday) and minute of the day of an instant in a time zone. The zone's UTC
 * offset comes from Intl once per hour of the year (the zones tested change offset on the hour),
 * so a year of minutes stays fast.
 */
const offsets = new Map<string, number>();
function localTime(instant: number, timeZone: string): { day: number; minute: number } {
  const hour = Math.floor(instant / 3_600_000) * 3_600_000;
  const key = `${timeZone}@${hour}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' }).formatToParts(new Date(hour)).map((p) => [p.type, p.value]));
    offset = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute)) - hour;
    offsets.set(key, offset);
  }
  const local = new Date(instant + offset);
  return { day: (local.getUTCDay() + 6) % 7, minute: local.getUTCHours() * 60 + local.getUTCMinutes() };
}

interface Case {
  readonly label: string;
  readonly schedule: { up: string; down: string; timezone: string };
  /** Whether the environment is up at this local time (the truth the expression must never contradict). */
  readonly up: (day: number, minute: number) => boolean;
  /** A local time that must be judged (the window is not uselessly small). */
  readonly judged: { day: number; minute: number };
}

const weekdays = (day: number) => day <= 4;
const CASES: Case[] = [
  {
    label: 'the shipped staging: Dublin, weekdays 07:00-20:00',
    schedule: { up: 'cron(0 7 ? * MON-FRI *)', down: 'cron(0 20 ? * MON-FRI *)', timezone: 'Europe/Dublin' },
    up: (d, m) => weekdays(d) && m >= 7 * 60 && m < 20 * 60,
    judged: { day: 2, minute: 12 * 60 },
  },
  {
    label: 'New York (UTC-5/-4), every day 08:30-18:45',
    schedule: { up: 'cron(30 8 * * ? *)', down: 'cron(45 18 * * ? *)', timezone: 'America/New_York' },
    up: (_d, m) => m >= 8 * 60 + 30 && m < 18 * 60 + 45,
    judged: { day: 6, minute: 15 * 60 },
  },
  {
    label: 'Tokyo: the UTC day changes inside the awake hours (07:00-01:00 local)',
    schedule: { up: 'cron(0 7 * * ? *)', down: 'cron(0 1 * * ? *)', timezone: 'Asia/Tokyo' },
    up: (_d, m) => m >= 7 * 60 || m < 60,
    judged: { day: 3, minute: 23 * 60 + 30 },
  },
  {
    label: 'Sydney (southern DST), Sunday to Thursday with EventBridge day numbers (1 = SUN)',
    schedule: { up: 'cron(0 6 ? * 1-5 *)', down: 'cron(0 22 ? * 1-5 *)', timezone: 'Australia/Sydney' },
    up: (d, m) => [6, 0, 1, 2, 3].includes(d) && m >= 6 * 60 && m < 22 * 60,
    judged: { day: 6, minute: 10 * 60 },
  },
  {
    label: 'up on Monday, down on Friday: awake through the nights of the week',
    schedule: { up: 'cron(0 6 ? * MON *)', down: 'cron(0 18 ? * FRI *)', timezone: 'UTC' },
    up: (d, m) => (d === 0 && m >= 6 * 60) || (d >= 1 && d <= 3) || (d === 4 && m < 18 * 60),
    judged: { day: 2, minute: 3 * 60 },
  },
];

describe.each(CASES)('$label', ({ schedule, up, judged }) => {
  const window = awakeWindow(schedule, 'm1', new Date(Date.UTC(2026, 5, 1)));
  const awake = evaluator(window.expressions.awake);

  test('judged only while up (after the wake-up grace) at every minute of the year, summer and winter time', () => {
    const wrong: string[] = [];
    const start = Date.UTC(2026, 0, 1);
    for (let t = start; t < Date.UTC(2027, 0, 1); t += 60_000) {
      const date = new Date(t);
      const utcday = ((date.getUTCDay() + 6) % 7) + 1;
      if (!awake(utcday, date.getUTCHours() * 60 + date.getUTCMinutes())) continue;
      const local = localTime(t, schedule.timezone);
      const localGrace = localTime(t - WAKE_UP_GRACE_MINUTES * 60_000, schedule.timezone);
      // Up now, and already up a grace period ago (so not in the wake-up).
      if (!up(local.day, local.minute) || !up(localGrace.day, localGrace.minute)) wrong.push(date.toISOString());
      if (wrong.length > 3) break;
    }
    expect(wrong).toEqual([]);
  });

  test('and judged during the day (the window is not empty or uselessly small)', () => {
    const utc = awakeUtcWeek(schedule, new Date(Date.UTC(2026, 5, 1)));
    const upMinutes = Array.from({ length: 7 * 1440 }, (_, i) => up(Math.floor(i / 1440), i % 1440)).filter(Boolean).length;
    // At most an hour a day lost to daylight saving time and the grace, per awake day.
    expect(utc.filter(Boolean).length).toBeGreaterThan(upMinutes - 7 * (60 + WAKE_UP_GRACE_MINUTES + 1));
    // A weekday noon-ish instant in January and in July, local time, is judged.
    for (const month of [0, 6]) {
      let t = Date.UTC(2026, month, 1);
      while (localTime(t, schedule.timezone).day !== judged.day || localTime(t, schedule.timezone).minute !== judged.minute) t += 60_000;
      const date = new Date(t);
      expect([month, awake(((date.getUTCDay() + 6) % 7) + 1, date.getUTCHours() * 60 + date.getUTCMinutes())]).toEqual([month, true]);
    }
  });

  test('the helper expressions read the time stamps of m1 (non-sparse, whatever m1 publishes)', () => {
    expect(window.expressions.utcday).toBe('DAY(m1)');
    expect(window.expressions.utcminute).toBe('60 * HOUR(m1) + MINUTE(m1)');
    expect(window.condition).toBe('awake');
  });
});

test('time-zone offsets of a year: both of a zone with summer time, one without', () => {
  const june = new Date(Date.UTC(2026, 5, 1));
  expect(zoneOffsets('Europe/Dublin', june)).toEqual([0, 60]);
  expect(zoneOffsets('America/New_York', june)).toEqual([-300, -240]);
  expect(zoneOffsets('Asia/Kolkata', june)).toEqual([330]);
});

test('the cron forms of a time of day on weekdays', () => {
  expect(parseDailyCron('cron(0 7 ? * MON-FRI *)')).toEqual({ minuteOfDay: 420, days: [0, 1, 2, 3, 4] });
  expect(parseDailyCron('cron(15 22 * * ? *)')).toEqual({ minuteOfDay: 1335, days: [0, 1, 2, 3, 4, 5, 6] });
  // 1 = SUN ... 7 = SAT, ranges forward through the week.
  expect(parseDailyCron('cron(0 7 ? * 2-6 *)')).toEqual({ minuteOfDay: 420, days: [0, 1, 2, 3, 4] });
  expect(parseDailyCron('cron(0 7 ? * FRI-MON *)')).toEqual({ minuteOfDay: 420, days: [0, 4, 5, 6] });
  expect(parseDailyCron('cron(0 7 ? * SAT,SUN *)')).toEqual({ minuteOfDay: 420, days: [5, 6] });
  for (const bad of ['cron(0/5 7 ? * MON *)', 'cron(0 7-9 ? * MON *)', 'cron(0 7 1 * ? *)', 'cron(0 7 ? * MON 2027)', 'rate(1 day)', 'cron(0 7 ? * MOON *)']) {
    expect(typeof parseDailyCron(bad)).toBe('string');
  }
});

test('expressions: always awake is a constant, never awake is 0, MON-FRI one clause', () => {
  expect(awakeExpression(new Array(7 * 1440).fill(true))).toBe('1');
  expect(awakeExpression(new Array(7 * 1440).fill(false))).toBe('0');
  const week = Array.from({ length: 7 * 1440 }, (_, i) => Math.floor(i / 1440) < 5 && i % 1440 >= 600 && i % 1440 < 900);
  expect(awakeExpression(week)).toBe('((utcday >= 1 AND utcday <= 5)) AND ((utcminute >= 600 AND utcminute < 900))');
});
