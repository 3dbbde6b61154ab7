/** `npx tsx scripts/plan-guard.ts [--allow <pattern>]... <plan.json>|-`: see src/ops/plan-guard.ts. */
import * as fs from 'fs';
import { environments } from '../src/config/environments';
import { runCommand } from '../src/ops/command';
import { runPlanGuard } from '../src/ops/plan-guard-cli';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

// 0 passed, 1 blocked, 2 usage or input error; a bug is printed with its stack and is 2 too,
// never 0 (src/ops/command.ts).
runCommand(() => runPlanGuard(process.argv.slice(2), process.env, {
  readText: (path) => fs.readFileSync(path, 'utf8'),
  readStdin,
  appendText: (path, text) => fs.appendFileSync(path, text),
  out: (text) => console.log(text),
  err: (text) => console.error(text),
}, environments.filter((e) => e.production).map((e) => e.name)));
