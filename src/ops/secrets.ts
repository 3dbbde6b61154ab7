/**
 * `npm run secret -- set|check|list <env> [NAME]`: values of the secrets an environment declares
 * (`compute.secrets`). A value is read from stdin, never from the command line (shell history and
 * `ps` would keep it), written straight to Secrets Manager, and never printed or logged.
 */
import { DescribeSecretCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { Sender, awsErrorName } from './aws';
import { CommandError } from './command';

export const SECRET_USAGE = `usage: npm run secret -- <command> <environment> [NAME] [options]
  set <env> <NAME> [--roll|--no-roll]   read the value from stdin (hidden when typed), store it;
                                        --roll restarts the services so they pick it up
  check <env>                           fail (exit 1) when a declared secret has no value yet
  list <env> [--json]                   the declared secrets, whether set, and when last changed
  e.g. printf '%s' "$SENTRY_DSN" | npm run secret -- set staging SENTRY_DSN --roll
options: --outputs <file> (stack outputs file, as for npm run task), --outdir <dir> (cdktf.out)`;

export class SecretError extends CommandError {}

export interface SecretStatus {
  readonly name: string;
  readonly arn: string;
  readonly set: boolean;
  readonly lastChanged?: Date;
}

/** Whether each declared secret has a current value (AWSCURRENT), without reading any value. */
export async function secretStatuses(client: Sender, arns: Record<string, string>): Promise<SecretStatus[]> {
  const out: SecretStatus[] = [];
  for (const [name, arn] of Object.entries(arns).sort(([a], [b]) => a.localeCompare(b))) {
    let described: { VersionIdsToStages?: Record<string, string[]>; LastChangedDate?: Date } = {};
    try {
      described = await client.send(new DescribeSecretCommand({ SecretId: arn }));
    } catch (e) {
      if (awsErrorName(e) !== 'ResourceNotFoundException') throw e;
      throw new SecretError(`secret ${name} (${arn}) does not exist: deploy the environment first`);
    }
    const set = Object.values(described.VersionIdsToStages ?? {}).some((stages) => stages.includes('AWSCURRENT'));
    out.push({ name, arn, set, lastChanged: set ? described.LastChangedDate : undefined });
  }
  return out;
}

/** Names of declared secrets without a value. */
export async function missingSecrets(client: Sender, arns: Record<string, string>): Promise<string[]> {
  return (await secretStatuses(client, arns)).filter((s) => !s.set).map((s) => s.name);
}

/** Stores a value (from stdin) as the secret's new current version. */
export async function setSecret(client: Sender, arns: Record<string, string>, environment: string, name: string, value: string): Promise<void> {
  const arn = arns[name];
  if (!arn) {
    const declared = Object.keys(arns);
    throw new SecretError(`${environment} declares no secret "${name}"${declared.length ? ` (declared: ${declared.join(', ')})` : ''}: add it to compute.secrets in src/config/environments.ts and deploy`);
  }
  if (value.length === 0) throw new SecretError(`refusing to store an empty value for ${name}: pipe or type the value on stdin`);
  await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: value }));
}

/** Restarts every service on its current task definition, so new tasks read the new value. */
export async function rollServices(ecs: Sender, cluster: string, services: string[], log: (line: string) => void): Promise<void> {
  for (const service of services) {
    await ecs.send(new UpdateServiceCommand({ cluster, service, forceNewDeployment: true }));
    log(`rolling ${service}`);
  }
}

/** The value as read from stdin: one trailing newline (from echo or the terminal) is not part of it. */
export function valueFromInput(input: string): string {
  return input.replace(/\r?\n$/, '');
}
