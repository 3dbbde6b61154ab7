import { execFileSync } from 'child_process';
import * as path from 'path';
import { assertLoopback } from './aws-env';

export interface BotoCall {
  readonly service: string;
  readonly operation: string;
  readonly params?: Record<string, unknown>;
  readonly region?: string;
}

/**
 * AWS calls through boto3 (the Python SDK moto itself depends on), for the services without an
 * AWS SDK v3 client in the project's devDependencies. One Python process per batch of calls.
 */
export function botoCalls(python: string, endpoint: string, calls: BotoCall[]): any[] {
  assertLoopback(endpoint);
  const out = execFileSync(python, [path.join(__dirname, 'boto_calls.py')], {
    input: JSON.stringify({ endpoint, calls }),
    encoding: 'utf8',
    // No AWS_* variable of the caller (profiles, endpoints) reaches boto3; credentials are fake.
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^AWS_/.test(k))), AWS_EC2_METADATA_DISABLED: 'true' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out);
}
