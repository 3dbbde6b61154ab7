import { Construct } from 'constructs';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { externalSecretResources } from '../lib/naming';

export interface AppSecretsProps {
  /** `<project>-<environment>`: secrets are named `<prefix>/app/<NAME>`. */
  readonly namePrefix: string;
  readonly environmentName: string;
  /** Variable names of the secrets the stack creates (values are set out of band). */
  readonly names: string[];
  /** Existing secrets by ARN (`NAME: arn`, optionally `arn:...:json-key::`). */
  readonly external: Record<string, string>;
  /** Days a deleted secret can be restored; 0 deletes at once (non-prod, so re-creating works). */
  readonly recoveryWindowInDays: number;
}

/**
 * Secrets of your own (API keys for Stripe, Sentry...). The stack creates each secret *without a
 * value*: no `aws_secretsmanager_secret_version`, so the value is never in config, code, the
 * synthesized JSON or Terraform state, and a deploy can never overwrite or roll it back. Values
 * are set with `npm run secret -- set <env> <NAME>` (read from stdin); `npm run secret -- check`
 * and every release refuse to go on while a declared secret has no value.
 */
export class AppSecrets extends Construct {
  /** Variable name -> ECS `valueFrom` (secret ARN, optionally with a JSON key). */
  readonly valueFrom: Record<string, string> = {};
  /** What the execution roles may read: exactly these secrets. */
  readonly secretArns: string[] = [];
  /** Variable name -> ARN of the secrets this stack created (for the secret command). */
  readonly created: Record<string, string> = {};

  constructor(scope: Construct, id: string, props: AppSecretsProps) {
    super(scope, id);
    for (const name of props.names) {
      const secret = new SecretsmanagerSecret(this, name, {
        name: `${props.namePrefix}/app/${name}`,
        description: `${name} of ${props.namePrefix}; set with: npm run secret -- set ${props.environmentName} ${name}`,
        recoveryWindowInDays: props.recoveryWindowInDays,
      });
      this.valueFrom[name] = secret.arn;
      this.secretArns.push(secret.arn);
      this.created[name] = secret.arn;
    }
    for (const [name, ref] of Object.entries(props.external)) {
      this.valueFrom[name] = ref;
      // IAM wants the secret's ARN, without a `:json-key:version-stage:version-id` suffix.
      this.secretArns.push(...externalSecretResources(ref));
    }
  }
}
