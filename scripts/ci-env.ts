/** `npm run --silent ci:env -- <environment> | --matrix`: see src/delivery/ci-env.ts. */
import { environments } from '../src/config/environments';
import { runCiEnv } from '../src/delivery/ci-env';

try {
  const result = runCiEnv(process.argv.slice(2), environments);
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.code;
} catch (err) {
  // A bug, not bad input: still never 0, and distinct from a usage error.
  console.error(`ci:env: ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
}
