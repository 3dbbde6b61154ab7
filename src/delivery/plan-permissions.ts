import { EnvironmentConfig } from '../config/types';
import { PolicyStatement } from '../lib/iam';
import { arn, resourceName } from '../lib/naming';
import { dataReadDenials } from './data-reads';
import { stateStatements } from './state-access';

/**
 * What the plan role needs beyond AWS's ReadOnlyAccess to run `terraform plan -lock=false` of one
 * environment: its state (read only), and the two secret reads the stack's plan itself makes.
 * Nothing here writes: a pull request can never change AWS or the state.
 */
export function planStatements(env: EnvironmentConfig): PolicyStatement[] {
  return [
    ...stateStatements(env, false),
    ...dataReadDenials(env, 'plan'),
    {
      // The stack reads the Redis AUTH token with a data source to hand it to the replication
      // group (ElastiCache takes it only as a plain argument): a plan needs its value.
      Sid: 'ReadTheCacheAuthTokenThePlanReads',
      Effect: 'Allow',
      Action: 'secretsmanager:GetSecretValue',
      Resource: arn(env.region, 'secretsmanager', env.region, env.accountId, `secret:${resourceName(env)}/cache-auth-token-??????`),
    },
    {
      // The ephemeral random password (SECRET_KEY, Redis token) is opened on every plan; it reads
      // nothing and AWS offers no resource for it.
      Sid: 'EphemeralRandomPasswords',
      Effect: 'Allow',
      Action: 'secretsmanager:GetRandomPassword',
      Resource: '*',
    },
  ];
}
