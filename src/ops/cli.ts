/**
 * What the daily commands (`status`, `logs`, `exec`) share: the environment named on the command
 * line (an unknown one gets "did you mean"), the same options meaning the same in each (`--outputs`,
 * `--outdir`, `--json`), and the stack outputs read with errors that say what to do.
 */
import { closest } from 'fastest-levenshtein';
import { environments } from '../config/environments';
import { CommandError } from './command';
import { StackOutputs, loadStackOutputs } from './aws';

/** Options every daily command takes. */
export const COMMON_OPTIONS = {
  outputs: { type: 'string' },
  outdir: { type: 'string', default: 'cdktf.out' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** The environment by name, or a one-line error naming the closest one. */
export function knownEnvironment(name: string | undefined, usage: string, names: string[] = environments.map((e) => e.name)): string {
  if (!name || name.startsWith('-')) throw new CommandError(`missing environment (${names.join(', ')})\n${usage}`, 2);
  if (!names.includes(name)) throw new CommandError(`no environment "${name}": did you mean "${closest(name, names)}"? (src/config/environments.ts has ${names.join(', ')})`, 2);
  return name;
}

/** The stack outputs, or a one-line error (nothing synthesized, not deployed, no credentials). */
export function outputsOf(environment: string, projectDir: string, options: { outputs?: string; outdir?: string }): StackOutputs {
  try {
    return loadStackOutputs(environment, projectDir, { outputsFile: options.outputs, outdir: options.outdir });
  } catch (error) {
    const message = (error as Error).message;
    if (/does not exist: run `npx cdktf synth`/.test(message)) throw new CommandError(message);
    throw new CommandError(`cannot read the outputs of ${environment} (terraform output in ${options.outdir ?? 'cdktf.out'}/stacks/${environment}): ${message.split('\n').find((l) => l.trim()) ?? message}; is it deployed, and are AWS credentials set?`);
  }
}

/**
 * An SDK error as one line with the likely fix (no credentials, no emulator, access denied, or
 * what AWS said). Anything else is not AWS's answer: a CommandError stays as it is, a bug is
 * returned unchanged (runCommand prints its stack, exit 2).
 */
export function awsFailure(error: unknown): Error {
  if (error instanceof CommandError || !(error instanceof Error)) return error instanceof Error ? error : new Error(String(error));
  const e = error as Error & { code?: string; $metadata?: unknown };
  const text = `${e.name} ${e.message} ${e.code ?? ''}`;
  if (/CredentialsProviderError|Could not load credentials/.test(text)) return new CommandError('no AWS credentials: set AWS_PROFILE (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), or run `aws sso login`');
  if (/ECONNREFUSED/.test(text)) return new CommandError(`cannot reach the AWS endpoint (${e.message}): is the emulator running (npm run sandbox -- status), and CDKTF_AWS_ENDPOINT its address?`);
  if (/ENOTFOUND|ETIMEDOUT|EAI_AGAIN|ECONNRESET/.test(text)) return new CommandError(`cannot reach AWS (${e.message}): check the network (or the proxy)`);
  if (e.$metadata === undefined) return error;
  if (/AccessDenied|UnauthorizedOperation|not authorized/.test(text)) return new CommandError(`access denied: ${e.message}`);
  return new CommandError(`${e.name}: ${e.message}`);
}
