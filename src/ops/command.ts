/**
 * What the operational commands (`npm run release`, `secret`, ...) share around their main
 * function: an error the user can act on prints its message alone and exits with its own code;
 * anything else is a bug, printed with its stack, exit 2.
 */
import * as fs from 'fs';
import * as path from 'path';

export class CommandError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = new.target.name;
  }
}

/** util.parseArgs's message in one line, without its hint about positionals after '--' (the usage follows). */
export function parseErrorLine(err: Error): string {
  return err.message.split('\n')[0].replace(/\. To specify a positional argument.*$/, '');
}

/**
 * An unknown or malformed option (node's util.parseArgs) as a usage error: its message, the usage,
 * exit 2; otherwise the error as it is.
 */
export function asUsageError(err: Error, usage?: string): Error {
  const code = (err as { code?: string }).code ?? '';
  return code.startsWith('ERR_PARSE_ARGS') ? new CommandError(`${parseErrorLine(err)}${usage ? `\n${usage}` : ''}`, 2) : err;
}

/**
 * On Node < 22 the AWS SDK prints a ten-line NodeVersionSupportWarning in every process that makes
 * a client: SDK releases after the first week of January 2027 need Node 22
 * (https://a.co/c895JFp). The versions this project pins run on Node 20. One line instead, once
 * per Node version on this machine (`shown` remembers it), and never from the processes a command
 * starts (npm run secret in the sandbox, ...): they inherit the SDK's own switch,
 * AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED.
 */
export function nodeVersionNotice(env: NodeJS.ProcessEnv, version: string, shown: (version: string) => boolean): string | undefined {
  if (env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED === 'true') return undefined;
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const major = Number(/^v(\d+)\./.exec(version)?.[1]);
  if (!(major < 22) || shown(version)) return undefined;
  return `note: Node ${version}; AWS SDK releases after January 2027 need Node 22 or later (the pinned SDK runs on this one; said once)`;
}

/**
 * Whether the notice was shown for this Node version, remembered in the project's
 * node_modules/.cache (as other tools keep theirs); without a node_modules there, shown every time.
 */
function shownBefore(version: string): boolean {
  const modules = path.resolve(__dirname, '..', '..', 'node_modules');
  if (!fs.existsSync(modules)) return false;
  const stamp = path.join(modules, '.cache', 'webapp-aws-cdktf', `node-notice-${version}`);
  if (fs.existsSync(stamp)) return true;
  try {
    fs.mkdirSync(path.dirname(stamp), { recursive: true });
    fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
  } catch {
    // read-only checkout: shown every time, still one line
  }
  return false;
}

/**
 * Exits once stdout and stderr have taken everything written (on macOS a pipe is asynchronous: an
 * immediate exit can cut `--json | jq` short). Exiting at all, rather than letting node end by
 * itself, because the SDK's keep-alive sockets would hold the process open for a while.
 */
function exitWhenWritten(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

/**
 * Every command's main: its exit code, a CommandError as its message alone (an unknown option
 * with the usage), anything else, a bug, with its stack and exit 2.
 */
export function runCommand(main: () => Promise<number>, usage?: string): void {
  const notice = nodeVersionNotice(process.env, process.version, shownBefore);
  if (notice) console.error(notice);
  Promise.resolve().then(main).then(
    (code) => exitWhenWritten(code),
    (thrown: Error) => {
      const err = asUsageError(thrown, usage);
      console.error(err instanceof CommandError ? err.message : err.stack ?? err.message);
      exitWhenWritten(err instanceof CommandError ? err.exitCode : 2);
    },
  );
}
