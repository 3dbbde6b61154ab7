/**
 * What the operational commands (`npm run release`, `secret`, ...) share around their main
 * function: an error the user can act on prints its message alone and exits with its own code;
 * anything else is a bug, printed with its stack, exit 2.
 */
export class CommandError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * An unknown or malformed option (node's util.parseArgs) as a usage error: its message, the usage,
 * exit 2; otherwise the error as it is.
 */
export function asUsageError(err: Error, usage?: string): Error {
  const code = (err as { code?: string }).code ?? '';
  return code.startsWith('ERR_PARSE_ARGS') ? new CommandError(`${err.message.split('\n')[0]}${usage ? `\n${usage}` : ''}`, 2) : err;
}

export function runCommand(main: () => Promise<number>, usage?: string): void {
  Promise.resolve().then(main).then(
    (code) => process.exit(code),
    (thrown: Error) => {
      const err = asUsageError(thrown, usage);
      console.error(err instanceof CommandError ? err.message : err.stack ?? err.message);
      process.exit(err instanceof CommandError ? err.exitCode : 2);
    },
  );
}
