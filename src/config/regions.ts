/**
 * The AWS regions an environment may use, in one place (add a line to support another).
 *
 * Only the commercial partition (`aws`): every environment puts its CDN certificate in us-east-1
 * for CloudFront, and neither GovCloud nor the China regions have CloudFront with ACM there, so
 * an environment in them could never deploy. `partition` is still carried per region, and every
 * ARN the stacks build goes through `arn()` (src/lib/naming.ts), so adding a partition later is
 * one column here plus a check that its services exist.
 *
 * `azIds`: the default Availability Zones, by AZ ID (the same physical zone in every account,
 * unlike the names `eu-west-1a`, which are mapped per account in the older regions). Subnets are
 * pinned to these so a plan never depends on which zones are healthy today. Zones AWS documents
 * as constrained for new capacity (use1-az3, apne1-az3, cac1-az3, usw1-az2) are left out. Source:
 * https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html
 * (read 2026-11). An environment can name its own zones (`network.availabilityZones`).
 */
export interface RegionInfo {
  readonly partition: 'aws';
  readonly azIds: readonly string[];
}

const three = (prefix: string, numbers = [1, 2, 3]) => numbers.map((n) => `${prefix}-az${n}`);

export const REGIONS: Readonly<Record<string, RegionInfo>> = {
  'us-east-1': { partition: 'aws', azIds: three('use1', [1, 2, 4]) },
  'us-east-2': { partition: 'aws', azIds: three('use2') },
  'us-west-1': { partition: 'aws', azIds: three('usw1', [1, 3]) },
  'us-west-2': { partition: 'aws', azIds: three('usw2') },
  'ca-central-1': { partition: 'aws', azIds: three('cac1', [1, 2, 4]) },
  'sa-east-1': { partition: 'aws', azIds: three('sae1') },
  'eu-west-1': { partition: 'aws', azIds: three('euw1') },
  'eu-west-2': { partition: 'aws', azIds: three('euw2') },
  'eu-west-3': { partition: 'aws', azIds: three('euw3') },
  'eu-central-1': { partition: 'aws', azIds: three('euc1') },
  'eu-central-2': { partition: 'aws', azIds: three('euc2') },
  'eu-north-1': { partition: 'aws', azIds: three('eun1') },
  'eu-south-1': { partition: 'aws', azIds: three('eus1') },
  'eu-south-2': { partition: 'aws', azIds: three('eus2') },
  'ap-south-1': { partition: 'aws', azIds: three('aps1') },
  'ap-south-2': { partition: 'aws', azIds: three('aps2') },
  'ap-southeast-1': { partition: 'aws', azIds: three('apse1') },
  'ap-southeast-2': { partition: 'aws', azIds: three('apse2') },
  'ap-southeast-3': { partition: 'aws', azIds: three('apse3') },
  'ap-southeast-4': { partition: 'aws', azIds: three('apse4') },
  'ap-northeast-1': { partition: 'aws', azIds: three('apne1', [1, 2, 4]) },
  'ap-northeast-2': { partition: 'aws', azIds: three('apne2') },
  'ap-northeast-3': { partition: 'aws', azIds: three('apne3') },
  'ap-east-1': { partition: 'aws', azIds: three('ape1') },
  'me-south-1': { partition: 'aws', azIds: three('mes1') },
  'me-central-1': { partition: 'aws', azIds: three('mec1') },
  'il-central-1': { partition: 'aws', azIds: three('ilc1') },
  'af-south-1': { partition: 'aws', azIds: three('afs1') },
};

export const SUPPORTED_REGIONS = Object.keys(REGIONS);

/** Why a region code that looks like AWS is refused (GovCloud, China, ISO), or undefined. */
export function unsupportedPartitionReason(region: string): string | undefined {
  if (/^us-gov-/.test(region)) return 'GovCloud regions have no CloudFront/ACM in us-east-1, which every environment needs for its CDN';
  if (/^cn-/.test(region)) return 'the China regions have no CloudFront/ACM in us-east-1, which every environment needs for its CDN';
  if (/^us-iso/.test(region)) return 'the ISO partitions have no CloudFront';
  return undefined;
}

/** The partition of a supported region. */
export function partitionOf(region: string): 'aws' {
  const info = REGIONS[region];
  if (!info) throw new Error(`region "${region}" is not in src/config/regions.ts`);
  return info.partition;
}

/** AZ ID prefix of a region (`euw1` for eu-west-1), from its table entry. */
export function azIdPrefix(region: string): string | undefined {
  return REGIONS[region]?.azIds[0]?.replace(/-az\d+$/, '');
}

/**
 * Where SES publishes Easy DKIM keys for the regions the email section supports: the DKIM CNAMEs
 * point at `<token>.<domain>` (SES developer guide, "Easy DKIM in Amazon SES"). These regions use
 * the global `dkim.amazonses.com`; the newer ones sign under a regional domain the provider does not
 * expose (DkimAttributes.SigningHostedZone), so the email section refuses them instead of
 * publishing records SES would never find (the identity would fail verification after 72 hours).
 */
export const SES_EASY_DKIM_DOMAIN: Readonly<Record<string, string>> = Object.fromEntries(
  ['us-east-1', 'us-east-2', 'us-west-2', 'ca-central-1', 'sa-east-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-north-1',
    'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-southeast-1', 'ap-southeast-2'].map((r) => [r, 'dkim.amazonses.com']),
);
