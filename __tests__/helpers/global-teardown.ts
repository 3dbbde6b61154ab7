import * as fs from 'fs';
import { SHIPPED_DIR_VARIABLE } from './synth';

/** Removes the shipped stacks synthesized by global-setup.ts. */
export default async function globalTeardown(): Promise<void> {
  const dir = process.env[SHIPPED_DIR_VARIABLE];
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
