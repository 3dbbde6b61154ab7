import { EnvironmentConfig } from '../config/types';
import { PolicyStatement } from '../lib/iam';
import { arn } from '../lib/naming';

/** The S3 state object of an environment and its S3-native lock file. */
export function stateObjects(env: EnvironmentConfig): { bucketArn: string; keys: string[] } | undefined {
  if (env.state.backend !== 's3') return undefined;
  const key = env.state.key ?? `${env.project}/${env.name}/terraform.tfstate`;
  return { bucketArn: arn(env.region, 's3', '', '', env.state.bucket), keys: [key, `${key}.tflock`] };
}

/**
 * Access to exactly this environment's state: its object and lock file (read, or read/write),
 * listing only under its key, and the DynamoDB lock table's item of this key when one is used.
 */
export function stateStatements(env: EnvironmentConfig, write: boolean): PolicyStatement[] {
  const state = stateObjects(env);
  if (!state || env.state.backend !== 's3') return [];
  const statements: PolicyStatement[] = [
    {
      Sid: write ? 'ReadWriteThisEnvironmentsState' : 'ReadThisEnvironmentsState',
      Effect: 'Allow',
      Action: write ? ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'] : ['s3:GetObject'],
      Resource: state.keys.map((k) => `${state.bucketArn}/${k}`),
    },
    { Sid: 'ListOnlyThisEnvironmentsKey', Effect: 'Allow', Action: 's3:ListBucket', Resource: state.bucketArn, Condition: { StringEquals: { 's3:prefix': state.keys } } },
  ];
  if (env.state.dynamodbTable) {
    statements.push({
      Sid: 'LockTableItemOfThisKey',
      Effect: 'Allow',
      Action: write ? ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:DescribeTable'] : ['dynamodb:GetItem', 'dynamodb:DescribeTable'],
      Resource: arn(env.state.region, 'dynamodb', env.state.region, env.accountId, `table/${env.state.dynamodbTable}`),
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${env.state.bucket}/${state.keys[0]}*`] } },
    });
  }
  // No object (nor object version) of any bucket other than the state itself: ReadOnlyAccess would
  // read every object, media uploads and other environments' states (their Redis token) included.
  statements.push({ Sid: 'NoOtherObjects', Effect: 'Deny', Action: 's3:GetObject*', NotResource: state.keys.map((k) => `${state.bucketArn}/${k}`) });
  return statements;
}
