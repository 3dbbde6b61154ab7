/**
 * Output for people: colour only on a terminal that wants it (not when piped, not with NO_COLOR,
 * always with FORCE_COLOR=1..3, never with FORCE_COLOR=0), and plain tables aligned by the visible
 * width of their cells.
 */
export interface Paint {
  readonly bold: (s: string) => string;
  readonly red: (s: string) => string;
  readonly green: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly dim: (s: string) => string;
  /** One of a few distinct colours per key (a task, a container), stable for the run. */
  readonly byKey: (key: string, s: string) => string;
}

const code = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
const KEY_COLOURS = [36, 35, 34, 32, 33, 96, 95, 94].map((c) => code(c, 39));

export function paint(enabled: boolean): Paint {
  if (!enabled) {
    const plain = (s: string) => s;
    return { bold: plain, red: plain, green: plain, yellow: plain, dim: plain, byKey: (_k, s) => s };
  }
  const keys = new Map<string, number>();
  return {
    bold: code(1, 22),
    red: code(31, 39),
    green: code(32, 39),
    yellow: code(33, 39),
    dim: code(2, 22),
    byKey: (key, s) => {
      if (!keys.has(key)) keys.set(key, keys.size % KEY_COLOURS.length);
      return KEY_COLOURS[keys.get(key)!](s);
    },
  };
}

/** Whether to colour a stream: its TTY-ness, NO_COLOR (no-color.org) and FORCE_COLOR. */
export function wantsColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
/** The width a terminal shows (colour codes take none). */
export const visibleLength = (s: string) => s.replace(ANSI, '').length;

/** Columns padded to their widest cell, two spaces apart; the header underlined with dashes. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i] - visibleLength(c)))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
