/** `npm run cost -- [options]`: monthly cost floor of each environment, offline. See src/ops/cost/. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { environments } from '../src/config/environments';
import { runCost } from '../src/ops/cost/cli';

const root = path.join(__dirname, '..');

try {
  process.exitCode = runCost(process.argv.slice(2), {
    environments: environments.map((e) => ({ name: e.name, production: e.production })),
    root,
    exists: (file) => fs.existsSync(file),
    isDirectory: (file) => fs.existsSync(file) && fs.statSync(file).isDirectory(),
    readText: (file) => fs.readFileSync(file, 'utf8'),
    synth: () => {
      // Synth output goes to stderr so that --json/--markdown stay clean on stdout.
      const r = spawnSync('npx', ['cdktf', 'synth'], { cwd: root, stdio: ['ignore', 2, 2], env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
      if (r.status !== 0) throw new Error(`npx cdktf synth failed (exit ${r.status})`);
    },
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  });
} catch (err) {
  console.error(`cost: ${(err as Error).stack ?? (err as Error).message}`);
  process.exitCode = 2;
}
