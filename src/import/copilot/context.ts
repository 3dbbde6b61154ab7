import { Unmapped } from './reader';

/** What the mapping of one Copilot environment accumulates while it reads the workloads. */
export interface Context {
  readonly environment: string;
  /** Whether the environment is a production one (its guard rails shape some mappings). */
  readonly production: boolean;
  readonly compute: Record<string, unknown> & { environment: Record<string, string>; secrets: string[]; externalSecrets: Record<string, string>; services: Record<string, unknown>[]; internalServices: Record<string, unknown>[]; workers: Record<string, unknown>[]; queues: Record<string, unknown>[]; topics: Record<string, unknown>[]; jobs: Record<string, unknown>[] };
  readonly unmapped: Unmapped[];
  readonly notes: string[];
  release?: { migrationCommand: string[] };
  deregistrationDelay?: number;
  hosts: string[];
  /** The ARN of an SSM parameter, or of a Secrets Manager secret by name, in this environment's region and account. */
  parameterArn?: (name: string) => string;
  secretArn?: (reference: string) => string;
  /** Our names of the environment's published topics, by `<service>/<topic>`. */
  topicNames: Map<string, string>;
  /** The variables of the workspace's env files, by the path the manifests give. */
  readonly envFiles: Record<string, Record<string, string>>;
}
