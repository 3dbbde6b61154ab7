import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { killOnAbort } from './run';

/**
 * moto's server on a free loopback port, started through `moto_launcher.py` (moto_server plus the
 * documented shims for the moto gaps the stacks hit). Test harness only.
 */
export interface Moto {
  readonly endpoint: string;
  readonly port: number;
  readonly logFile: string;
  stop(): Promise<void>;
}

const LAUNCHER = path.join(__dirname, '..', 'moto_launcher.py');

/** Environment of the emulator itself (read by moto at start): the sandbox's (src/ops/sandbox.ts). */
import { MOTO_ENV } from '../../../src/ops/sandbox';

/** The same port picking and Python look-up as the sandbox (src/ops/). */
export { freePortOnLoopback as freePort } from '../../../src/ops/ports';
export { motoPython } from '../../../src/ops/sandbox';
import { freePortOnLoopback as freePort } from '../../../src/ops/ports';
import { emulatorAnswers, motoPython } from '../../../src/ops/sandbox';

const isUp = emulatorAnswers;

/** Starts the emulator on a free 127.0.0.1 port and waits until it answers (30 s at most). */
export async function startMoto(logDir: string, logName = 'moto.log'): Promise<Moto> {
  const python = motoPython();
  const logFile = path.join(logDir, logName);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const log = fs.openSync(logFile, 'w');
    const child: ChildProcess = spawn(python, [LAUNCHER, '-H', '127.0.0.1', '-p', String(port)], {
      env: { ...process.env, ...MOTO_ENV },
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    let exited = false;
    child.on('exit', () => (exited = true));
    const unregister = killOnAbort(() => child.kill('SIGKILL'));

    const deadline = Date.now() + 30_000;
    while (!exited && Date.now() < deadline && !(await isUp(endpoint))) await new Promise((r) => setTimeout(r, 250));
    const stop = async () => {
      unregister();
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    };
    if (!exited && (await isUp(endpoint))) return { endpoint, port, logFile, stop };
    await stop();
    const tail = fs.readFileSync(logFile, 'utf8').slice(-2000);
    // Another process may have taken the port between freePort() and moto's bind: retry once.
    if (attempt >= 2 || !/Address already in use/.test(tail)) throw new Error(`moto did not start on ${endpoint}:\n${tail}`);
  }
}
