import { Context } from './context';
import { ManifestReader, isRecord } from './reader';

/**
 * A workload's variables and secrets in this project's terms. Variables (the manifest's own and
 * those of its `env_file`, the manifest's winning as in ECS) go to compute.environment (every app
 * container) unless another workload gave one another value, then to the process's own
 * `environment`. Secrets stay where Copilot kept them: SSM parameters and Secrets Manager secrets
 * become external secrets by ARN, read by the execution roles and nothing else.
 */

/** The variables of the env file at `field` (`env_file`, `sidecars.<name>.env_file`), marked as carried over. */
export function envFileVariables(r: ManifestReader, ctx: Context, field: string): Record<string, string> {
  const file = r.peek<string>(field);
  if (file === undefined) return {};
  r.take(field);
  return ctx.envFiles[file] ?? {};
}

/**
 * Variables and secrets of the main container. A job (no `process`: jobs share the one-off task)
 * whose variable differs from another workload's keeps it listed.
 */
export function environmentAndSecrets(r: ManifestReader, ctx: Context, process?: Record<string, unknown>): string[] {
  const fromFile = r.peek('env_file') === undefined ? {} : ctx.envFiles[String(r.peek('env_file'))] ?? {};
  const variables = r.peek<Record<string, unknown>>('variables') ?? {};
  /** Puts one variable where it belongs; false when it cannot go anywhere (a job's conflicting one). */
  const assign = (name: string, text: string): boolean => {
    const existing = ctx.compute.environment[name];
    if (existing === undefined || existing === text) {
      ctx.compute.environment[name] = text;
      return true;
    }
    if (!process) return false;
    process.environment = { ...(process.environment as Record<string, string> | undefined), [name]: text };
    return true;
  };
  for (const [name, value] of Object.entries(variables)) {
    if (isRecord(value)) continue; // `from_cfn` references stay listed
    if (assign(name, String(value))) r.take(`variables.${name}`);
  }
  const lost = Object.entries(fromFile).filter(([name]) => !(name in variables)).filter(([name, value]) => !assign(name, value)).map(([name]) => name);
  if (lost.length === 0) r.take('env_file');
  else r.skip('env_file', `${lost.join(', ')} of this env file differ from another workload's: jobs share the one-off task here (compute.environment for all of them); set them in the command, e.g. ["env", "NAME=value", ...]`);
  return declareSecrets(r, ctx);
}

/**
 * Secrets (of the main container, or of a sidecar with `prefix`). SSM parameters (by name or ARN)
 * and Secrets Manager secrets (`secretsmanager: <name or ARN>[:<json key>[:<stage>[:<version>]]]`)
 * are read in place: external secrets by ARN (a secret by name: its partial ARN, which ECS accepts
 * and the execution role matches with `-??????`). A CloudFormation export is declared as a secret
 * of the project, its value copied by hand.
 */
export function declareSecrets(r: ManifestReader, ctx: Context, prefix = ''): string[] {
  const secrets = r.peek<Record<string, unknown>>(`${prefix}secrets`) ?? {};
  const names: string[] = [];
  for (const [name, ref] of Object.entries(secrets)) {
    const field = `${prefix}secrets.${name}`;
    const reference = externalReference(ctx, ref);
    if (reference !== undefined) {
      const existing = ctx.compute.externalSecrets[name];
      if (existing !== undefined && existing !== reference) {
        r.skip(field, `another workload reads ${name} from ${existing}: a secret's name means one value per environment here (compute.externalSecrets); give one of them another name`);
        continue;
      }
      r.take(field);
      names.push(name);
      ctx.compute.externalSecrets[name] = reference;
      if (isRecord(ref)) {
        ctx.notes.push(`secret ${name} (${r.file}): read in place from Secrets Manager (compute.externalSecrets.${name} = ${reference}); only the execution roles may read it. A secret under a customer managed KMS key also needs its key policy to let them decrypt`);
      }
      continue;
    }
    r.take(field);
    names.push(name);
    if (!ctx.compute.secrets.includes(name)) {
      ctx.compute.secrets.push(name);
      ctx.notes.push(`secret ${name} (${r.file}): declared in compute.secrets; copy its value: the value of the CloudFormation export ${String((ref as Record<string, unknown>).from_cfn)} | npm run secret -- set ${ctx.environment} ${name}`);
    }
  }
  return names;
}

/** The ARN ECS reads a Copilot secret from (undefined: a CloudFormation export, which has none). */
function externalReference(ctx: Context, ref: unknown): string | undefined {
  if (isRecord(ref)) {
    if (ref.secretsmanager === undefined) return undefined;
    const text = String(ref.secretsmanager);
    return text.startsWith('arn:') ? text : ctx.secretArn?.(text);
  }
  const text = String(ref);
  return text.startsWith('arn:') ? text : ctx.parameterArn?.(text.replace(/^\/+/, ''));
}
