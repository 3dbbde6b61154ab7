/** `npm run --silent ci:env -- <environment> | --matrix | --check-trust <plan|deploy> <environment>`: see src/delivery/ci-env.ts. */
import { environments } from '../src/config/environments';
import { GITHUB_OIDC_AUDIENCE } from '../src/delivery/names';
import { JobFacts, runCiEnv } from '../src/delivery/ci-env';

/**
 * The `sub` claim of this job's OIDC token, as the role would see it (GitHub Actions exposes the
 * token endpoint to jobs with `id-token: write`). Only the claim is read and printed, never the token.
 */
async function oidcSubject(): Promise<string | undefined> {
  const url = process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const bearer = process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!url || !bearer) return undefined;
  const response = await fetch(`${url}&audience=${encodeURIComponent(GITHUB_OIDC_AUDIENCE)}`, { headers: { Authorization: `Bearer ${bearer}` } });
  if (!response.ok) throw new Error(`the OIDC token request answered ${response.status}`);
  const token = ((await response.json()) as { value: string }).value;
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')).sub;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let job: JobFacts = {};
  if (argv.includes('--check-trust')) {
    job = {
      repository: process.env.GITHUB_REPOSITORY,
      ownerId: process.env.GITHUB_REPOSITORY_OWNER_ID,
      repositoryId: process.env.GITHUB_REPOSITORY_ID,
      ref: process.env.GITHUB_REF,
      subject: await oidcSubject(),
    };
  }
  const result = runCiEnv(argv, environments, job);
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.code;
}

main().catch((err) => {
  // A bug, not bad input: still never 0, and distinct from a usage error.
  console.error(`ci:env: ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
});
