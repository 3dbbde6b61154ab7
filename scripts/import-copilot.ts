/** `npm run import:copilot -- <repository dir> [--out <file>] [--json] [--env <name>]...`: see src/import/copilot/command.ts. */
import * as fs from 'fs';
import { runImportCommand } from '../src/import/copilot/command';

process.exitCode = runImportCommand(process.argv.slice(2), {
  cwd: process.cwd(),
  exists: (file) => fs.existsSync(file),
  write: (file, text) => fs.writeFileSync(file, text),
  out: (text) => console.log(text),
  err: (text) => console.error(text),
});
