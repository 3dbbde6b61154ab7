import * as path from 'path';
import { parseArgs } from 'util';
import { validateEnvironments } from '../../config/validate';
import { defineEnvironment } from '../../config/defaults';
import { CopilotImport, mapWorkspace } from './mapping';
import { renderConfig } from './render';
import { CopilotImportError, readWorkspace } from './workspace';

export const IMPORT_USAGE = `usage: npm run import:copilot -- <repository dir> [--out <file>] [--json] [--env <name>]... [--force]
Reads the Copilot workspace in <repository dir>/copilot/ (.workspace, every workload manifest, the
environment manifests, addons) and writes a TypeScript config: one defineEnvironment per Copilot
environment, each placeholder marked FILL IN, every field not carried over listed with what to do.
  --out <file>   where to write it (default src/config/environments.copilot.ts); never overwritten without --force
  --json         print {"environments": [...], "unmapped": [...]} on stdout instead of writing a file
  --env <name>   only these Copilot environments (repeatable)`;

/** What the command needs from the outside world (tests pass fakes). */
export interface ImportIo {
  readonly cwd: string;
  readonly exists: (file: string) => boolean;
  readonly write: (file: string, text: string) => void;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** The import of a repository, checked: the environments it produces pass this project's validation. */
export function importCopilot(repository: string, environments: string[] = []): CopilotImport {
  const result = mapWorkspace(readWorkspace(repository), environments);
  validateEnvironments(result.environments.map((e) => defineEnvironment(e)));
  return result;
}

/** Runs the command; returns the exit code (2: usage or input error, 0: written or printed). */
export function runImportCommand(argv: string[], io: ImportIo): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv.filter((a, i) => !(i === 0 && a === '--')),
      allowPositionals: true,
      options: { out: { type: 'string' }, json: { type: 'boolean', default: false }, env: { type: 'string', multiple: true, default: [] }, force: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    });
  } catch (e) {
    io.err(`${(e as Error).message}\n${IMPORT_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(IMPORT_USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    io.err(`give exactly one repository directory\n${IMPORT_USAGE}`);
    return 2;
  }
  const repository = path.resolve(io.cwd, positionals[0]);
  let result: CopilotImport;
  try {
    result = importCopilot(repository, values.env);
  } catch (e) {
    const message = e instanceof CopilotImportError ? `${positionals[0].replace(/\/$/, '')}/${e.message}` : (e as Error).message;
    io.err(message);
    return 2;
  }
  if (values.json) {
    io.out(JSON.stringify({ environments: result.environments, unmapped: result.unmapped }, null, 2));
    return 0;
  }
  const out = path.resolve(io.cwd, values.out ?? path.join('src', 'config', 'environments.copilot.ts'));
  if (io.exists(out) && !values.force) {
    io.err(`${path.relative(io.cwd, out)} exists: choose another --out, or --force to overwrite it`);
    return 2;
  }
  let defaults = path.relative(path.dirname(out), path.join(__dirname, '..', '..', 'config', 'defaults')).split(path.sep).join('/');
  if (!defaults.startsWith('.')) defaults = `./${defaults}`;
  io.write(out, renderConfig(result, defaults, positionals[0]));
  io.err(`wrote ${path.relative(io.cwd, out)}: ${result.environments.length} environment(s), ${result.placeholders.length} FILL IN placeholder(s), ${result.unmapped.length} field(s) not carried over (listed at the top of the file)`);
  for (const note of result.notes) io.err(`  - ${note}`);
  return 0;
}
