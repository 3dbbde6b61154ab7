import { terraformEnv } from '../../helpers/terraform';
// Variables that could select real credentials or a real endpoint: the sandbox's list, removed from every child.
import { REAL_AWS_VARIABLES } from '../../../src/ops/sandbox';

/** The only hosts the end-to-end test may talk to. */
const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];

/** Refuses anything but a loopback http(s) URL: the test never aims at a real AWS endpoint. */
export function assertLoopback(endpoint: string): void {
  const url = new URL(endpoint);
  if (!['http:', 'https:'].includes(url.protocol) || !LOOPBACK.includes(url.hostname)) {
    throw new Error(`refusing to run: the emulator endpoint ${endpoint} is not a loopback address`);
  }
}

/** Fake credentials: moto accepts any; real AWS would reject these. */
export const FAKE_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };


/**
 * Environment for cdktf, terraform and the AWS provider against the emulator:
 * - fake credentials, no profile/session token/web identity, no instance metadata;
 * - CDKTF_AWS_ENDPOINT (main.ts points every provider endpoint and the S3 backend at it);
 * - AWS_MAX_ATTEMPTS: moto answers unimplemented calls with errors the provider would retry for
 *   many minutes; 3 attempts keep a real failure fast;
 * - a dead HTTP(S) proxy for everything but loopback and the Terraform registry: should any AWS
 *   call escape the emulator endpoints it fails at once instead of reaching the internet
 *   (Go never proxies loopback; the registry is only used without a local provider mirror);
 * - the Terraform CLI config of the unit tests (local provider mirror, plugin cache), no telemetry.
 */
export function emulatorEnv(endpoint: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  assertLoopback(endpoint);
  const env = terraformEnv();
  for (const name of REAL_AWS_VARIABLES) delete env[name];
  for (const name of Object.keys(env)) if (/^AWS_ENDPOINT_URL_/.test(name) || /^(https?|all|no)_proxy$/i.test(name)) delete env[name];
  const deadProxy = 'http://127.0.0.1:9';
  return {
    ...env,
    AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'eu-west-1',
    AWS_DEFAULT_REGION: 'eu-west-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '3',
    AWS_RETRY_MODE: 'standard',
    HTTP_PROXY: deadProxy,
    HTTPS_PROXY: deadProxy,
    NO_PROXY: '127.0.0.1,localhost,::1,registry.terraform.io,releases.hashicorp.com',
    CDKTF_AWS_ENDPOINT: endpoint,
    CHECKPOINT_DISABLE: '1',
    CI: 'true',
    FORCE_COLOR: '0',
    NPM_CONFIG_UPDATE_NOTIFIER: 'false',
    ...extra,
  };
}

/** Client settings for the AWS SDK v3 clients used by the checks. */
export function sdkConfig(endpoint: string, region = 'eu-west-1') {
  assertLoopback(endpoint);
  return { endpoint, region, credentials: FAKE_CREDENTIALS, maxAttempts: 2 };
}
