import { Construct } from 'constructs';
import { AwsProvider, AwsProviderConfig } from '@cdktf/provider-aws/lib/provider';
import { EmulatorSettings, emulatorProviderConfig } from '../lib/emulator';

export interface AwsProvidersProps {
  readonly region: string;
  readonly allowedAccountIds?: string[];
  readonly tags: Record<string, string>;
  readonly emulator?: EmulatorSettings;
}

/** An AWS provider with the project's default tags (and emulator endpoints when testing locally). */
export function awsProvider(scope: Construct, id: string, props: AwsProvidersProps & { alias?: string }): AwsProvider {
  const config: AwsProviderConfig = {
    region: props.region,
    alias: props.alias,
    allowedAccountIds: props.allowedAccountIds,
    defaultTags: [{ tags: props.tags }],
    ...(props.emulator ? emulatorProviderConfig(props.emulator) : {}),
  };
  return new AwsProvider(scope, id, config);
}
