import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { prod, staging } from '../../src/config/environments';
import { SHIPPED_DIR_VARIABLE, synthEnv } from './synth';

/**
 * Synthesizes the shipped environments once per jest run, before the workers start, for every
 * test file's `shipped()` (each file used to synthesize both itself: about 30 synths of the same
 * two stacks). The workers inherit the folder's path through the environment; each parses its own
 * copy, so a test that changes the JSON it got changes nothing for another file.
 */
export default async function globalSetup(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webapp-shipped-'));
  for (const env of [staging, prod]) fs.writeFileSync(path.join(dir, `${env.name}.json`), JSON.stringify(synthEnv(env)));
  process.env[SHIPPED_DIR_VARIABLE] = dir;
}
