import { EnvironmentConfig } from '../config/types';
import { PolicyStatement } from '../lib/iam';
import { arn, resourceName } from '../lib/naming';

/**
 * AWS's ReadOnlyAccess (the delivery roles' reads, kept so `terraform plan` can refresh every
 * type) also reads *data*: every S3 object version, every SSM SecureString, queue messages (and
 * receiving one is not even read-only: it counts towards the dead-letter queue), DynamoDB items,
 * log events, image layers, function code. These denials take that back, outside what the role's
 * own environment needs. Explicit denies win over ReadOnlyAccess's allows.
 *
 * `own`: the deploy role streams its one-off tasks' logs (`/ecs/<project>-<env>/*`) and may pull
 * the environment's images (a re-run of the deliver job); the plan role reads neither.
 */
export function dataReadDenials(env: EnvironmentConfig, role: 'plan' | 'deploy'): PolicyStatement[] {
  const account = env.accountId;
  const any = (service: string, resource: string) => arn(env.region, service, '*', account, resource);
  const prefix = resourceName(env);
  const lockTable = env.state.backend === 's3' && env.state.dynamodbTable ? [arn(env.state.region, 'dynamodb', env.state.region, account, `table/${env.state.dynamodbTable}`)] : [];
  const statements: PolicyStatement[] = [
    {
      Sid: 'NoParametersOfOthers',
      Effect: 'Deny',
      Action: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath', 'ssm:GetParameterHistory'],
      NotResource: [any('ssm', `parameter/${env.project}/${env.name}`), any('ssm', `parameter/${env.project}/${env.name}/*`)],
    },
    {
      Sid: 'NoDataReads',
      Effect: 'Deny',
      Action: ['sqs:ReceiveMessage', 'lambda:GetFunction', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'rds:DownloadDBLogFilePortion', 'rds:DownloadCompleteDBLogFile', 'athena:GetQueryResults'],
      Resource: '*',
    },
    {
      // The S3 backend reads its digest item from a DynamoDB lock table, even with -lock=false.
      Sid: 'NoTableItemsButTheLock',
      Effect: 'Deny',
      Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:GetRecords'],
      ...(lockTable.length > 0 ? { NotResource: lockTable } : { Resource: '*' }),
    },
  ];
  const logs = ['logs:GetLogEvents', 'logs:FilterLogEvents', 'logs:StartQuery', 'logs:GetLogRecord', 'logs:StartLiveTail', 'logs:Unmask'];
  const images = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];
  if (role === 'plan') {
    statements.push({ Sid: 'NoLogsOrImages', Effect: 'Deny', Action: [...logs, ...images], Resource: '*' });
  } else {
    statements.push(
      { Sid: 'OnlyOwnLogEvents', Effect: 'Deny', Action: logs, NotResource: [any('logs', `log-group:/ecs/${prefix}/*`), any('logs', `log-group:/ecs/${prefix}/*:log-stream:*`)] },
      { Sid: 'OnlyOwnImages', Effect: 'Deny', Action: images, NotResource: [any('ecr', `repository/${prefix}`), any('ecr', `repository/${prefix}-*`)] },
    );
  }
  return statements;
}
