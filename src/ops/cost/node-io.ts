/**
 * The Node side of `npm run cost` (CostIO of cli.ts): the file system, the console, and an
 * in-process synth of the current configuration. scripts/cost.ts is only this plus runCost.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { buildApp } from '../../app';
import { EnvironmentConfig } from '../../config/types';
import { CostIO } from './cli';

/**
 * Synthesizes the app of `environments` (src/app.ts, as `cdktf synth` does through main.ts, with
 * no image tag and the configured backends) into a new temporary folder, and returns each stack's
 * cdk.tf.json text by stack name. The folder (under `tmpdir`) is removed before returning: nothing
 * in cdktf.out is read or written. Throws what buildApp throws (ConfigError for an invalid configuration).
 */
export function synthesizeStacks(environments: EnvironmentConfig[], tmpdir: string = os.tmpdir()): Map<string, string> {
  const outdir = fs.mkdtempSync(path.join(tmpdir, 'cost-synth-'));
  // SYNTH_HCL_OUTPUT=true would write HCL (cdk.tf) instead of the JSON the estimate reads.
  const hcl = process.env.SYNTH_HCL_OUTPUT;
  delete process.env.SYNTH_HCL_OUTPUT;
  try {
    const app = new App({ outdir, stackTraces: false });
    buildApp(app, environments);
    app.synth();
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as {
      stacks: Record<string, { name: string; synthesizedStackPath: string }>;
    };
    const stacks = new Map<string, string>();
    for (const stack of Object.values(manifest.stacks)) {
      stacks.set(stack.name, fs.readFileSync(path.join(outdir, stack.synthesizedStackPath), 'utf8'));
    }
    return stacks;
  } finally {
    if (hcl !== undefined) process.env.SYNTH_HCL_OUTPUT = hcl;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

export interface NodeCostIOOptions {
  /** Folder holding cdktf.out (the project root). */
  root: string;
  /** The configuration to price (src/config/environments.ts). */
  environments: EnvironmentConfig[];
  /** Replaces process.stdout / process.stderr (tests). */
  out?: (text: string) => void;
  err?: (text: string) => void;
}

/** CostIO over the real file system, with the in-process synth of `environments`. */
export function nodeCostIO(options: NodeCostIOOptions): CostIO {
  return {
    environments: options.environments.map((e) => ({ name: e.name, production: e.production })),
    root: options.root,
    exists: (file) => fs.existsSync(file),
    isDirectory: (file) => fs.existsSync(file) && fs.statSync(file).isDirectory(),
    readText: (file) => fs.readFileSync(file, 'utf8'),
    writeText: (file, text) => fs.writeFileSync(file, text),
    synth: () => synthesizeStacks(options.environments),
    out: options.out ?? ((text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)),
    err: options.err ?? ((text) => process.stderr.write(`${text}\n`)),
  };
}
