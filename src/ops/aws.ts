/**
 * The small AWS layer every operational script shares (`npm run task`, `release`, `secret`):
 * reading an environment's stack outputs, creating SDK v3 clients for its region, and the few
 * helpers they all need. Scripts stay thin wrappers over src/ops/, which unit tests drive with
 * stubbed clients.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { SSMClient } from '@aws-sdk/client-ssm';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { emulatorFromEndpoint } from '../lib/emulator';
import { CommandError } from './command';

/** Anything with the SDK v3 `send` (a client, or a stub in tests). */
export interface Sender {
  send(command: any): Promise<any>;
}

/** An environment's stack outputs, with typed access and a clear error for a missing one. */
export class StackOutputs {
  constructor(
    readonly environment: string,
    private readonly values: Record<string, unknown>,
  ) {}

  has(name: string): boolean {
    return this.values[name] !== undefined;
  }

  value(name: string): unknown {
    const v = this.values[name];
    if (v === undefined) {
      throw new CommandError(`the stack outputs of "${this.environment}" have no "${name}": deploy the current version of the stack first (npx cdktf deploy ${this.environment})`);
    }
    return v;
  }

  string(name: string): string {
    return String(this.value(name));
  }

  list(name: string): string[] {
    const v = this.value(name);
    if (!Array.isArray(v)) throw new CommandError(`stack output "${name}" of "${this.environment}" is not a list`);
    return v.map(String);
  }

  map<T = unknown>(name: string): Record<string, T> {
    const v = this.value(name);
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new CommandError(`stack output "${name}" of "${this.environment}" is not a map`);
    return v as Record<string, T>;
  }
}

/** Accepts `terraform output -json` ({name: {value}}) or cdktf's outputs file ({stack: {name: value}}). */
export function stackOutputsFrom(raw: Record<string, unknown>, environment: string): StackOutputs {
  const scoped = (raw[environment] && typeof raw[environment] === 'object' ? raw[environment] : raw) as Record<string, unknown>;
  const values: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(scoped)) {
    values[name] = entry && typeof entry === 'object' && !Array.isArray(entry) && 'value' in entry ? (entry as { value: unknown }).value : entry;
  }
  return new StackOutputs(environment, values);
}

export interface OutputsSource {
  /** A file written by `cdktf output <env> --outputs-file <file>` or `terraform output -json > file`. */
  readonly outputsFile?: string;
  /** Where cdktf synthesizes (default `cdktf.out` in the project). */
  readonly outdir?: string;
  /** Environment for the terraform child process (tests point it at an emulator). */
  readonly env?: NodeJS.ProcessEnv;
}

/** The synthesized stack folder of an environment. */
export function stackDir(projectDir: string, environment: string, outdir = 'cdktf.out'): string {
  return path.join(path.resolve(projectDir, outdir), 'stacks', environment);
}

/**
 * Reads the outputs from a file, or with `terraform output -json` in the synthesized stack folder
 * (initialising it first when this machine has not: outputs come from the remote state).
 */
export function loadStackOutputs(environment: string, projectDir: string, source: OutputsSource = {}): StackOutputs {
  if (source.outputsFile) return stackOutputsFrom(JSON.parse(fs.readFileSync(source.outputsFile, 'utf8')), environment);
  const dir = stackDir(projectDir, environment, source.outdir);
  if (!fs.existsSync(path.join(dir, 'cdk.tf.json'))) {
    throw new Error(`${dir} does not exist: run \`npx cdktf synth\` (and deploy ${environment}) first, or pass --outputs`);
  }
  const env = source.env ?? process.env;
  if (!fs.existsSync(path.join(dir, '.terraform'))) {
    execFileSync('terraform', [`-chdir=${dir}`, 'init', '-input=false', '-no-color'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  }
  const text = execFileSync('terraform', [`-chdir=${dir}`, 'output', '-json'], { encoding: 'utf8', env });
  return stackOutputsFrom(JSON.parse(text), environment);
}

/** Every long-running ECS service of the stack (web, HTTP services, workers); older stacks lack service_names. */
export function serviceNames(outputs: StackOutputs): string[] {
  return outputs.has('service_names') ? outputs.list('service_names') : [outputs.string('web_service_name'), ...outputs.list('worker_service_names')];
}

/**
 * Where the SDK clients send their calls: AWS (the usual AWS environment: credentials, profiles,
 * AWS_ENDPOINT_URL), or the local emulator named by CDKTF_AWS_ENDPOINT, the one variable cdktf's
 * app already reads to aim every provider endpoint at it (loopback only), so one setting serves
 * `cdktf deploy` and every command alike. AWS_ENDPOINT_URL, when set, wins (the SDK's own).
 */
export function clientEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.AWS_ENDPOINT_URL) return undefined;
  return emulatorFromEndpoint(env.CDKTF_AWS_ENDPOINT)?.endpoint;
}

/** SDK v3 clients for one region (credentials and endpoints from the usual AWS environment, or the emulator: clientEndpoint). */
export function awsClients(region: string, env: NodeJS.ProcessEnv = process.env) {
  const endpoint = clientEndpoint(env);
  const config = { region, ...(endpoint ? { endpoint } : {}) };
  return {
    ecs: new ECSClient(config),
    ecr: new ECRClient(config),
    ssm: new SSMClient(config),
    secrets: new SecretsManagerClient(config),
    logs: new CloudWatchLogsClient(config),
    cloudwatch: new CloudWatchClient(config),
  };
}
export type AwsClients = ReturnType<typeof awsClients>;

/** The AWS error name of an SDK v3 exception (`ParameterNotFound`, ...). */
export function awsErrorName(error: unknown): string | undefined {
  return (error as { name?: string } | undefined)?.name;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
