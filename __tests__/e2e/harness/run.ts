import { spawn } from 'child_process';
import * as fs from 'fs';

const cleanups = new Set<() => void>();
let handlersInstalled = false;
/**
 * Registers a kill function that runs if the test process exits or is interrupted (Ctrl-C, CI
 * cancel) before the child is done; returns the unregister function. Children run in their own
 * process group, so a terminal's SIGINT would not reach them by itself.
 */
export function killOnAbort(kill: () => void): () => void {
  if (!handlersInstalled) {
    handlersInstalled = true;
    process.on('exit', () => cleanups.forEach((f) => f()));
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => {
        cleanups.forEach((f) => f());
        process.kill(process.pid, signal);
      });
    }
  }
  cleanups.add(kill);
  return () => cleanups.delete(kill);
}

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  /** Last lines of stdout+stderr, for failure messages. */
  readonly tail: string;
  readonly seconds: number;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Everything the command prints is appended here (CI keeps it as the deploy log). */
  readonly logFile: string;
  readonly timeoutMs: number;
  /** Exit codes that count as success (default [0]). */
  readonly okCodes?: number[];
  /** Written to the command's stdin (then closed); without it stdin is closed at once. */
  readonly input?: string;
}

/**
 * Runs a command in its own process group, logs its output to a file, and kills the whole group
 * (cdktf -> terraform -> provider plugins) on timeout, so nothing is left running.
 */
export function run(command: string, args: string[], opts: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const log = fs.createWriteStream(opts.logFile, { flags: 'a' });
  log.write(`\n$ ${command} ${args.join(' ')}    (cwd ${opts.cwd})\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], detached: true });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    let stdout = '';
    let tail = '';
    const keep = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-6000);
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      keep(chunk);
      log.write(chunk);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      keep(chunk);
      log.write(chunk);
    });
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const unregister = killOnAbort(killGroup);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, opts.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      unregister();
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      unregister();
      // Plugins of a finished terraform exit with it; a killed group may leave none either way.
      killGroup();
      const seconds = Math.round((Date.now() - started) / 1000);
      log.write(`\n[exit ${code} after ${seconds}s]\n`);
      log.end();
      const result = { code, stdout, tail: tail.replace(/\x1b\[[0-9;]*[A-Za-z]/g, ''), seconds };
      const ok = (opts.okCodes ?? [0]).includes(code ?? -1);
      if (timedOut) reject(new Error(`${command} ${args.join(' ')} timed out after ${seconds}s (log: ${opts.logFile}):\n${result.tail}`));
      else if (!ok) reject(new Error(`${command} ${args.join(' ')} exited ${code} after ${seconds}s (log: ${opts.logFile}):\n${result.tail}`));
      else resolve(result);
    });
  });
}

/** `timed(label, fn)`: runs fn, records its seconds in `timings[label]` and logs them (the e2e timing lines). */
export function stepTimer(timings: Record<string, number>, log: (message: string) => void) {
  return async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await fn();
    } finally {
      timings[label] = Math.round((Date.now() - started) / 1000);
      log(`${label}: ${timings[label]}s`);
    }
  };
}
