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

export function runCommand(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err: Error) => {
      console.error(err instanceof CommandError ? err.message : err.stack ?? err.message);
      process.exit(err instanceof CommandError ? err.exitCode : 2);
    },
  );
}
