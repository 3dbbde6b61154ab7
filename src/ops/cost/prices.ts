/**
 * The checked-in price table of `npm run cost` (src/ops/cost/estimate.ts): on-demand list prices
 * in USD, one entry per price per region. Nothing here is fetched at run time.
 *
 * Every price says where it was read (`source`, a URL) and when (`read`, YYYY-MM). AWS renders
 * most regional rates on its pricing pages with JavaScript, so many were read from dated
 * third-party pages or from AWS Price List offer files quoted elsewhere; `via`/`note` say so.
 * A price that could not be found in a readable source is `source: 'estimate'` with a `reason`:
 * replace it with the live figure from the `official` page of its service when you can.
 *
 * To support another region, add a `RegionPrices` object to `PRICES` (the estimate refuses to
 * guess a region it has no prices for). To update a price, change `usd`, `source` and `read`.
 */

export interface Price {
  /** USD per `unit`. */
  readonly usd: number;
  /** What one unit is: 'hour', 'GB-month', 'month', 'GB', '1M requests', '1,000 requests'. */
  readonly unit: string;
  /** URL the figure was read from, or 'estimate' (then `reason` says why). */
  readonly source: string;
  /** When it was read: YYYY-MM (or YYYY-MM-DD). */
  readonly read: string;
  /** Why the figure is an estimate (required when source is 'estimate'). */
  readonly reason?: string;
  /** Caveats: which page it quotes, free tiers, floating prices. */
  readonly note?: string;
}

export type Architecture = 'X86_64' | 'ARM64';

export interface FargateRate {
  readonly vcpuHour: Price;
  readonly gbHour: Price;
}

export interface RegionPrices {
  readonly region: string;
  readonly natGatewayHour: Price;
  readonly natGatewayGb: Price;
  readonly publicIpv4Hour: Price;
  readonly albHour: Price;
  readonly albLcuHour: Price;
  readonly fargate: Readonly<Record<Architecture, FargateRate>>;
  /** Fargate Spot: a floating price (AWS adjusts it gradually), read on the date given. */
  readonly fargateSpot: Readonly<Record<Architecture, FargateRate>>;
  /** Single-AZ instance-hour by engine then class (Multi-AZ is priced as twice this). */
  readonly rdsInstanceHour: Readonly<Record<string, Readonly<Record<string, Price>>>>;
  /** Single-AZ gp3 (and gp2, same price on RDS) GB-month (Multi-AZ: twice this). */
  readonly rdsGp3GbMonth: Price;
  /** Node-hour by engine then node type. */
  readonly elasticacheNodeHour: Readonly<Record<string, Readonly<Record<string, Price>>>>;
  /** Interface VPC endpoint, per endpoint per AZ (subnet) per hour. */
  readonly interfaceEndpointHour: Price;
  readonly interfaceEndpointGb: Price;
  readonly secretMonth: Price;
  readonly hostedZoneMonth: Price;
  readonly kmsKeyMonth: Price;
  readonly alarmMonth: Price;
  readonly dashboardMonth: Price;
  readonly wafWebAclMonth: Price;
  readonly wafRuleMonth: Price;
  readonly wafMillionRequests: Price;
  /** Monthly fee of paid AWS managed rule groups, by rule group name (others: no own fee). */
  readonly wafManagedRuleGroupMonth: Readonly<Record<string, Price>>;
  readonly cloudfrontGb: Price;
  readonly dataTransferOutGb: Price;
  readonly logsIngestedGb: Price;
  readonly s3StandardGbMonth: Price;
  readonly s3PutThousand: Price;
  readonly s3GetThousand: Price;
  readonly sqsMillionRequests: Price;
  readonly sesThousandEmails: Price;
}

/** Month read for every entry below (this table was assembled in one pass). */
export const READ = '2026-11';

/** The official pricing page of each service: where to check or refresh a figure. */
export const OFFICIAL_PAGES = {
  vpc: 'https://aws.amazon.com/vpc/pricing/',
  privatelink: 'https://aws.amazon.com/privatelink/pricing/',
  elb: 'https://aws.amazon.com/elasticloadbalancing/pricing/',
  fargate: 'https://aws.amazon.com/fargate/pricing/',
  rds: 'https://aws.amazon.com/rds/postgresql/pricing/',
  elasticache: 'https://aws.amazon.com/elasticache/pricing/',
  secretsManager: 'https://aws.amazon.com/secrets-manager/pricing/',
  route53: 'https://aws.amazon.com/route53/pricing/',
  kms: 'https://aws.amazon.com/kms/pricing/',
  cloudwatch: 'https://aws.amazon.com/cloudwatch/pricing/',
  waf: 'https://aws.amazon.com/waf/pricing/',
  cloudfront: 'https://aws.amazon.com/cloudfront/pricing/',
  ec2DataTransfer: 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer',
  s3: 'https://aws.amazon.com/s3/pricing/',
  sqs: 'https://aws.amazon.com/sqs/pricing/',
  ses: 'https://aws.amazon.com/ses/pricing/',
} as const;

const p = (usd: number, unit: string, source: string, note?: string): Price =>
  note === undefined ? { usd, unit, source, read: READ } : { usd, unit, source, read: READ, note };

/** A figure not found in any source readable offline: recalled or derived, and said so. */
const est = (usd: number, unit: string, reason: string, note?: string): Price =>
  note === undefined
    ? { usd, unit, source: 'estimate', read: READ, reason }
    : { usd, unit, source: 'estimate', read: READ, reason, note };

const NOT_FOUND = (service: keyof typeof OFFICIAL_PAGES, region: string) =>
  `the ${region} rate is rendered dynamically on ${OFFICIAL_PAGES[service]} and no readable dated source for it was found; ` +
  'value recalled from that page: verify before relying on it';
const US_EAST_ASSUMED = (service: keyof typeof OFFICIAL_PAGES, region: string) =>
  `only the US East list price was found in a readable source; the same price is assumed for ${region} (check ${OFFICIAL_PAGES[service]})`;
const SPOT_DERIVED = (region: string) =>
  `no readable Fargate Spot figure for ${region}; derived as 33% of on-demand, the ratio of the eu-west-1 Spot/on-demand ` +
  'figures in tomgregory.com/aws-fargate-spot-vs-fargate-price-comparison (Spot prices float: read the live table)';

// ---------------------------------------------------------------------------------------------
// Sources (each one was read through the project's search tool, stored copy, 2026-11)
// ---------------------------------------------------------------------------------------------

const SRC = {
  natUsEast: 'https://basavytix.com/blog/aws-nat-gateway-pricing',
  natRegions: 'https://cloudpipelines.pages.dev/guides/aws-nat-gateway-pricing-2026/',
  natEuWest1Offer: 'https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/20260925174521/eu-west-1/index.json',
  ipv4: 'https://community.aws/content/2c6cKl0W4KQZIO6dWnnDHs1tHSp/aws-to-charge-public-ipv4-addresses',
  ipv4AllRegions: 'https://www.besthub.dev/articles/why-aws-is-starting-to-charge-for-public-ipv4-addresses-what-it-means-for-you-da121e06e336',
  albUsEast: 'https://cloud-horizons.com/blog/alb-the-line-item-nobody-watches/',
  albRegions: 'https://cal53.calculator.city/aws-alb-cost-calculator/',
  fargateUsEast: 'https://www.vantage.sh/blog/fargate-pricing',
  fargateEuWest1: 'https://tomgregory.com/aws/aws-fargate-spot-vs-fargate-price-comparison/',
  rdsUsEast: 'https://infratally.com/articles/aws-rds-pricing-explained-2026.html',
  rdsGp3UsEast: 'https://www.usage.ai/blogs/aws/reserved-instances/rds/pricing-calculator/',
  rdsGp3EuWest1: 'https://blog.thebescloud.com/rds-gp3-volumes-decrypting-the-latest-storage-announcement-from-aws',
  endpoints: 'https://awsnegotiations.com/privatelink-cost-analysis.html',
  secrets: 'https://raw.githubusercontent.com/api-evangelist/amazon-secrets-manager/refs/heads/main/plans/amazon-secrets-manager-plans-pricing.yml',
  route53: 'https://raw.githubusercontent.com/api-evangelist/amazon-route53-resolver/refs/heads/main/plans/amazon-route53-resolver-plans-pricing.yml',
  kms: 'https://aws.amazon.com/kms/pricing/',
  alarms: 'https://c3x.dev/resources/aws/aws_cloudwatch_metric_alarm',
  dashboardsAndLogs: 'https://www.factualminds.com/blog/amazon-cloudwatch-pricing-metrics-logs-alarms-dashboards/',
  waf: 'https://c3x.dev/blog/aws-waf-cost-explained/',
  wafAllRegions: 'https://aws.amazon.com/blogs/networking-and-content-delivery/cost-effective-ways-for-securing-your-web-applications-using-aws-waf/',
  cloudfront: 'http://aws.amazon.com/cloudfront/pricing',
  dataTransfer: 'https://devnotes.tech/understanding-aws-s3-pricing-a-complete-cost-breakdown-with-examples',
  s3: 'https://devnotes.tech/understanding-aws-s3-pricing-a-complete-cost-breakdown-with-examples',
  sqs: 'https://cloudburn.io/blog/amazon-sqs-pricing',
} as const;

// ---------------------------------------------------------------------------------------------
// Prices that do not depend on the stack's region (global services, or uniform list prices)
// ---------------------------------------------------------------------------------------------

const GLOBAL = {
  publicIpv4Hour: p(0.005, 'hour', SRC.ipv4,
    `per public IPv4 address, in use or idle, since 2024-02-01, all regions (${SRC.ipv4AllRegions})`),
  secretMonth: p(0.40, 'month', SRC.secrets,
    `transcription (2026-09-20) of ${OFFICIAL_PAGES.secretsManager}; prorated; replicas are billed as secrets; API calls $0.05/10,000`),
  hostedZoneMonth: p(0.50, 'month', SRC.route53,
    `transcription (2026-09-20) of ${OFFICIAL_PAGES.route53}: first 25 hosted zones, $0.10 each after that; queries extra`),
  kmsKeyMonth: p(1.0, 'month', SRC.kms,
    'per customer managed key; each automatic rotation adds $1/month (first two rotations); AWS managed keys are free'),
  wafWebAclMonth: p(5.0, 'month', SRC.waf, `same in every region (${SRC.wafAllRegions})`),
  wafRuleMonth: p(1.0, 'month', SRC.waf, 'per rule or rule group in the web ACL'),
  wafMillionRequests: p(0.60, '1M requests', SRC.waf, 'per million web requests inspected'),
  sesThousandEmails: p(0.10, '1,000 e-mails', 'https://aws.amazon.com/ses/pricing/', 'outbound e-mail, the same list price in every region; attachments ($0.12/GB) and dedicated IPs not included'),
  wafManagedRuleGroupMonth: {
    AWSManagedRulesBotControlRuleSet: p(10.0, 'month', SRC.waf, 'Bot Control subscription; plus $1 per million requests analysed (not modelled)'),
  },
  cloudfrontGb: p(0.085, 'GB', SRC.cloudfront,
    'United States/Europe edge locations, first 10 TB; the always-free tier covers 1 TB and 10M requests per month per account'),
} as const;

// ---------------------------------------------------------------------------------------------
// Regions
// ---------------------------------------------------------------------------------------------

const usEast1: RegionPrices = {
  region: 'us-east-1',
  natGatewayHour: p(0.045, 'hour', SRC.natUsEast, 'us-east-1 rate stated on the page'),
  natGatewayGb: p(0.045, 'GB', SRC.natUsEast, 'data processed, both directions'),
  publicIpv4Hour: GLOBAL.publicIpv4Hour,
  albHour: p(0.0225, 'hour', SRC.albUsEast, 'article dated 2026-05-08; same figure in ' + SRC.albRegions),
  albLcuHour: p(0.008, 'LCU-hour', SRC.albUsEast, 'article dated 2026-05-08'),
  fargate: {
    X86_64: {
      vcpuHour: p(0.04048, 'vCPU-hour', SRC.fargateUsEast, 'Linux/x86, us-east-1'),
      gbHour: p(0.004445, 'GB-hour', SRC.fargateUsEast, 'Linux/x86, us-east-1'),
    },
    ARM64: {
      vcpuHour: p(0.03238, 'vCPU-hour', SRC.fargateUsEast, 'Linux/ARM, us-east-1'),
      gbHour: p(0.00356, 'GB-hour', SRC.fargateUsEast, 'Linux/ARM, us-east-1'),
    },
  },
  fargateSpot: {
    X86_64: {
      vcpuHour: est(0.01336, 'vCPU-hour', SPOT_DERIVED('us-east-1')),
      gbHour: est(0.001467, 'GB-hour', SPOT_DERIVED('us-east-1')),
    },
    ARM64: {
      vcpuHour: est(0.01069, 'vCPU-hour', SPOT_DERIVED('us-east-1')),
      gbHour: est(0.001175, 'GB-hour', SPOT_DERIVED('us-east-1')),
    },
  },
  rdsInstanceHour: {
    postgres: {
      'db.t4g.micro': p(0.016, 'hour', SRC.rdsUsEast, 'PostgreSQL Single-AZ, us-east-1 (article 2026)'),
      'db.t4g.small': p(0.032, 'hour', SRC.rdsUsEast, 'PostgreSQL Single-AZ, us-east-1 (article 2026)'),
      'db.t4g.medium': p(0.065, 'hour', SRC.rdsUsEast, 'PostgreSQL Single-AZ, us-east-1 (article 2026); AWS lists Multi-AZ at $0.129, twice is $0.130'),
      'db.t4g.large': est(0.129, 'hour', NOT_FOUND('rds', 'us-east-1')),
    },
  },
  rdsGp3GbMonth: p(0.115, 'GB-month', SRC.rdsGp3UsEast, 'gp3 Single-AZ, us-east-1, June 2026; 3,000 IOPS and 125 MB/s included'),
  elasticacheNodeHour: {
    redis: {
      'cache.t4g.micro': est(0.016, 'hour', NOT_FOUND('elasticache', 'us-east-1')),
      'cache.t4g.small': est(0.032, 'hour', NOT_FOUND('elasticache', 'us-east-1')),
      'cache.t4g.medium': est(0.065, 'hour', NOT_FOUND('elasticache', 'us-east-1')),
    },
  },
  interfaceEndpointHour: p(0.01, 'AZ-hour', SRC.endpoints, 'per interface endpoint per AZ (article May 2026)'),
  interfaceEndpointGb: p(0.01, 'GB', SRC.endpoints, 'first PB per month per region'),
  secretMonth: GLOBAL.secretMonth,
  hostedZoneMonth: GLOBAL.hostedZoneMonth,
  kmsKeyMonth: GLOBAL.kmsKeyMonth,
  alarmMonth: p(0.10, 'month', SRC.alarms, 'standard resolution, per alarm metric; high resolution $0.30'),
  dashboardMonth: p(3.0, 'month', SRC.dashboardsAndLogs, 'article 2026-06-13; the first 3 dashboards per account are free'),
  wafWebAclMonth: GLOBAL.wafWebAclMonth,
  wafRuleMonth: GLOBAL.wafRuleMonth,
  wafMillionRequests: GLOBAL.wafMillionRequests,
  wafManagedRuleGroupMonth: GLOBAL.wafManagedRuleGroupMonth,
  cloudfrontGb: GLOBAL.cloudfrontGb,
  dataTransferOutGb: p(0.09, 'GB', SRC.dataTransfer, 'to the internet, first 10 TB; 100 GB/month free per account'),
  logsIngestedGb: p(0.50, 'GB', SRC.dashboardsAndLogs, 'standard log class ingestion, article 2026-06-13'),
  s3StandardGbMonth: p(0.023, 'GB-month', SRC.s3, 'S3 Standard, first 50 TB, US East'),
  s3PutThousand: p(0.005, '1,000 requests', SRC.s3, 'PUT, COPY, POST, LIST'),
  s3GetThousand: p(0.0004, '1,000 requests', SRC.s3, 'GET and others'),
  sqsMillionRequests: p(0.40, '1M requests', SRC.sqs, 'standard queues, us-east-1 (March 2026); the first 1M requests per month are free'),
  sesThousandEmails: GLOBAL.sesThousandEmails,
};

/** A us-east-1 price assumed for another region, marked as an estimate. */
const assumedFromUsEast = (price: Price, service: keyof typeof OFFICIAL_PAGES, region: string): Price =>
  est(price.usd, price.unit, US_EAST_ASSUMED(service, region), `us-east-1 source: ${price.source}`);

const usWest2: RegionPrices = {
  ...usEast1,
  region: 'us-west-2',
  natGatewayHour: p(0.045, 'hour', SRC.natRegions, 'US West (Oregon, N. California) row of the regional table'),
  natGatewayGb: p(0.045, 'GB', SRC.natRegions, 'US West (Oregon, N. California) row of the regional table'),
  albHour: assumedFromUsEast(usEast1.albHour, 'elb', 'us-west-2'),
  albLcuHour: assumedFromUsEast(usEast1.albLcuHour, 'elb', 'us-west-2'),
  fargate: {
    X86_64: {
      vcpuHour: assumedFromUsEast(usEast1.fargate.X86_64.vcpuHour, 'fargate', 'us-west-2'),
      gbHour: assumedFromUsEast(usEast1.fargate.X86_64.gbHour, 'fargate', 'us-west-2'),
    },
    ARM64: {
      vcpuHour: assumedFromUsEast(usEast1.fargate.ARM64.vcpuHour, 'fargate', 'us-west-2'),
      gbHour: assumedFromUsEast(usEast1.fargate.ARM64.gbHour, 'fargate', 'us-west-2'),
    },
  },
  fargateSpot: {
    X86_64: {
      vcpuHour: est(0.01336, 'vCPU-hour', SPOT_DERIVED('us-west-2')),
      gbHour: est(0.001467, 'GB-hour', SPOT_DERIVED('us-west-2')),
    },
    ARM64: {
      vcpuHour: est(0.01069, 'vCPU-hour', SPOT_DERIVED('us-west-2')),
      gbHour: est(0.001175, 'GB-hour', SPOT_DERIVED('us-west-2')),
    },
  },
  rdsInstanceHour: {
    postgres: Object.fromEntries(
      Object.entries(usEast1.rdsInstanceHour.postgres).map(([k, v]) => [k, assumedFromUsEast(v, 'rds', 'us-west-2')]),
    ),
  },
  rdsGp3GbMonth: assumedFromUsEast(usEast1.rdsGp3GbMonth, 'rds', 'us-west-2'),
  elasticacheNodeHour: {
    redis: {
      'cache.t4g.micro': est(0.016, 'hour', NOT_FOUND('elasticache', 'us-west-2')),
      'cache.t4g.small': est(0.032, 'hour', NOT_FOUND('elasticache', 'us-west-2')),
      'cache.t4g.medium': est(0.065, 'hour', NOT_FOUND('elasticache', 'us-west-2')),
    },
  },
  interfaceEndpointHour: assumedFromUsEast(usEast1.interfaceEndpointHour, 'privatelink', 'us-west-2'),
  interfaceEndpointGb: assumedFromUsEast(usEast1.interfaceEndpointGb, 'privatelink', 'us-west-2'),
  alarmMonth: assumedFromUsEast(usEast1.alarmMonth, 'cloudwatch', 'us-west-2'),
  dashboardMonth: assumedFromUsEast(usEast1.dashboardMonth, 'cloudwatch', 'us-west-2'),
  dataTransferOutGb: assumedFromUsEast(usEast1.dataTransferOutGb, 'ec2DataTransfer', 'us-west-2'),
  logsIngestedGb: assumedFromUsEast(usEast1.logsIngestedGb, 'cloudwatch', 'us-west-2'),
  s3StandardGbMonth: assumedFromUsEast(usEast1.s3StandardGbMonth, 's3', 'us-west-2'),
  s3PutThousand: assumedFromUsEast(usEast1.s3PutThousand, 's3', 'us-west-2'),
  s3GetThousand: assumedFromUsEast(usEast1.s3GetThousand, 's3', 'us-west-2'),
  sqsMillionRequests: assumedFromUsEast(usEast1.sqsMillionRequests, 'sqs', 'us-west-2'),
  sesThousandEmails: GLOBAL.sesThousandEmails,
};

const euWest1: RegionPrices = {
  ...usEast1,
  region: 'eu-west-1',
  natGatewayHour: p(0.048, 'hour', SRC.natEuWest1Offer,
    'AWS Price List offer file (publicationDate 2026-09-25), row EU-NatGateway-Hours, as quoted verbatim in a public test fixture; ' +
    `European range $0.048-0.052 also in ${SRC.natRegions}`),
  natGatewayGb: p(0.048, 'GB', SRC.natEuWest1Offer, 'row EU-NatGateway-Bytes of the same offer file'),
  albHour: p(0.0252, 'hour', SRC.albRegions, 'Europe (Ireland) row of the regional table'),
  albLcuHour: est(0.008, 'LCU-hour', NOT_FOUND('elb', 'eu-west-1')),
  fargate: {
    X86_64: {
      vcpuHour: p(0.04048, 'vCPU-hour', SRC.fargateEuWest1, 'Linux/x86, stated for eu-west-1 in the article'),
      gbHour: p(0.004445, 'GB-hour', SRC.fargateEuWest1, 'Linux/x86, stated for eu-west-1 in the article'),
    },
    ARM64: {
      vcpuHour: est(0.03238, 'vCPU-hour', NOT_FOUND('fargate', 'eu-west-1'), 'the x86 rate equals us-east-1 here, so the us-east-1 ARM rate is used'),
      gbHour: est(0.00356, 'GB-hour', NOT_FOUND('fargate', 'eu-west-1'), 'the x86 rate equals us-east-1 here, so the us-east-1 ARM rate is used'),
    },
  },
  fargateSpot: {
    X86_64: {
      vcpuHour: p(0.01334053, 'vCPU-hour', SRC.fargateEuWest1,
        'Fargate Spot, eu-west-1, as published in the (undated) article: Spot prices float, AWS adjusts them gradually; read 2026-11, check the live table'),
      gbHour: p(0.00146489, 'GB-hour', SRC.fargateEuWest1,
        'Fargate Spot, eu-west-1, as published in the (undated) article: Spot prices float; read 2026-11, check the live table'),
    },
    ARM64: {
      vcpuHour: est(0.01069, 'vCPU-hour', SPOT_DERIVED('eu-west-1')),
      gbHour: est(0.001175, 'GB-hour', SPOT_DERIVED('eu-west-1')),
    },
  },
  rdsInstanceHour: {
    postgres: {
      'db.t4g.micro': est(0.018, 'hour', NOT_FOUND('rds', 'eu-west-1')),
      'db.t4g.small': est(0.036, 'hour', NOT_FOUND('rds', 'eu-west-1')),
      'db.t4g.medium': est(0.072, 'hour', NOT_FOUND('rds', 'eu-west-1')),
      'db.t4g.large': est(0.144, 'hour', NOT_FOUND('rds', 'eu-west-1')),
    },
  },
  rdsGp3GbMonth: p(0.127, 'GB-month', SRC.rdsGp3EuWest1, 'RDS gp3 storage, eu-west-1 table of the article'),
  elasticacheNodeHour: {
    redis: {
      'cache.t4g.micro': est(0.018, 'hour', NOT_FOUND('elasticache', 'eu-west-1')),
      'cache.t4g.small': est(0.036, 'hour', NOT_FOUND('elasticache', 'eu-west-1')),
      'cache.t4g.medium': est(0.072, 'hour', NOT_FOUND('elasticache', 'eu-west-1')),
    },
  },
  interfaceEndpointHour: est(0.011, 'AZ-hour', NOT_FOUND('privatelink', 'eu-west-1')),
  interfaceEndpointGb: assumedFromUsEast(usEast1.interfaceEndpointGb, 'privatelink', 'eu-west-1'),
  alarmMonth: assumedFromUsEast(usEast1.alarmMonth, 'cloudwatch', 'eu-west-1'),
  dashboardMonth: assumedFromUsEast(usEast1.dashboardMonth, 'cloudwatch', 'eu-west-1'),
  dataTransferOutGb: assumedFromUsEast(usEast1.dataTransferOutGb, 'ec2DataTransfer', 'eu-west-1'),
  logsIngestedGb: est(0.57, 'GB', NOT_FOUND('cloudwatch', 'eu-west-1')),
  s3StandardGbMonth: assumedFromUsEast(usEast1.s3StandardGbMonth, 's3', 'eu-west-1'),
  s3PutThousand: assumedFromUsEast(usEast1.s3PutThousand, 's3', 'eu-west-1'),
  s3GetThousand: assumedFromUsEast(usEast1.s3GetThousand, 's3', 'eu-west-1'),
  sqsMillionRequests: assumedFromUsEast(usEast1.sqsMillionRequests, 'sqs', 'eu-west-1'),
  sesThousandEmails: GLOBAL.sesThousandEmails,
};

const euCentral1: RegionPrices = {
  ...usEast1,
  region: 'eu-central-1',
  natGatewayHour: est(0.052, 'hour', NOT_FOUND('vpc', 'eu-central-1'), `within the European range $0.048-0.052 of ${SRC.natRegions}`),
  natGatewayGb: est(0.052, 'GB', NOT_FOUND('vpc', 'eu-central-1'), `within the European range $0.048-0.052 of ${SRC.natRegions}`),
  albHour: est(0.027, 'hour', NOT_FOUND('elb', 'eu-central-1')),
  albLcuHour: est(0.008, 'LCU-hour', NOT_FOUND('elb', 'eu-central-1')),
  fargate: {
    X86_64: {
      vcpuHour: est(0.04656, 'vCPU-hour', NOT_FOUND('fargate', 'eu-central-1'), 'same figure in a public rate card keyed EUC1-Fargate-vCPU-Hours:perCPU (effective 2026-07-07)'),
      gbHour: est(0.00511, 'GB-hour', NOT_FOUND('fargate', 'eu-central-1'), 'same figure in a public rate card keyed EUC1-Fargate-GB-Hours (effective 2026-07-07)'),
    },
    ARM64: {
      vcpuHour: est(0.03725, 'vCPU-hour', NOT_FOUND('fargate', 'eu-central-1')),
      gbHour: est(0.00409, 'GB-hour', NOT_FOUND('fargate', 'eu-central-1')),
    },
  },
  fargateSpot: {
    X86_64: {
      vcpuHour: est(0.01537, 'vCPU-hour', SPOT_DERIVED('eu-central-1')),
      gbHour: est(0.001686, 'GB-hour', SPOT_DERIVED('eu-central-1')),
    },
    ARM64: {
      vcpuHour: est(0.01229, 'vCPU-hour', SPOT_DERIVED('eu-central-1')),
      gbHour: est(0.00135, 'GB-hour', SPOT_DERIVED('eu-central-1')),
    },
  },
  rdsInstanceHour: {
    postgres: {
      'db.t4g.micro': est(0.019, 'hour', NOT_FOUND('rds', 'eu-central-1')),
      'db.t4g.small': est(0.038, 'hour', NOT_FOUND('rds', 'eu-central-1')),
      'db.t4g.medium': est(0.076, 'hour', NOT_FOUND('rds', 'eu-central-1')),
      'db.t4g.large': est(0.152, 'hour', NOT_FOUND('rds', 'eu-central-1')),
    },
  },
  rdsGp3GbMonth: est(0.137, 'GB-month', NOT_FOUND('rds', 'eu-central-1')),
  elasticacheNodeHour: {
    redis: {
      'cache.t4g.micro': est(0.019, 'hour', NOT_FOUND('elasticache', 'eu-central-1')),
      'cache.t4g.small': est(0.038, 'hour', NOT_FOUND('elasticache', 'eu-central-1')),
      'cache.t4g.medium': est(0.076, 'hour', NOT_FOUND('elasticache', 'eu-central-1')),
    },
  },
  interfaceEndpointHour: est(0.012, 'AZ-hour', NOT_FOUND('privatelink', 'eu-central-1')),
  interfaceEndpointGb: assumedFromUsEast(usEast1.interfaceEndpointGb, 'privatelink', 'eu-central-1'),
  alarmMonth: assumedFromUsEast(usEast1.alarmMonth, 'cloudwatch', 'eu-central-1'),
  dashboardMonth: assumedFromUsEast(usEast1.dashboardMonth, 'cloudwatch', 'eu-central-1'),
  dataTransferOutGb: assumedFromUsEast(usEast1.dataTransferOutGb, 'ec2DataTransfer', 'eu-central-1'),
  logsIngestedGb: est(0.63, 'GB', NOT_FOUND('cloudwatch', 'eu-central-1')),
  s3StandardGbMonth: est(0.0245, 'GB-month', NOT_FOUND('s3', 'eu-central-1')),
  s3PutThousand: est(0.0054, '1,000 requests', NOT_FOUND('s3', 'eu-central-1')),
  s3GetThousand: est(0.00043, '1,000 requests', NOT_FOUND('s3', 'eu-central-1')),
  sqsMillionRequests: assumedFromUsEast(usEast1.sqsMillionRequests, 'sqs', 'eu-central-1'),
  sesThousandEmails: GLOBAL.sesThousandEmails,
};

/** Prices per region. A region missing here is reported by the estimate, never guessed. */
export const PRICES: Readonly<Record<string, RegionPrices>> = {
  'us-east-1': usEast1,
  'us-west-2': usWest2,
  'eu-west-1': euWest1,
  'eu-central-1': euCentral1,
};

/** The prices of a region, or undefined when the table has none. */
export function pricesFor(region: string, table: Readonly<Record<string, RegionPrices>> = PRICES): RegionPrices | undefined {
  return table[region];
}

/** Every price of a region's table as [path, price] pairs (for listing and for the tests). */
export function allPrices(prices: RegionPrices): [string, Price][] {
  const out: [string, Price][] = [];
  const walk = (value: unknown, path: string): void => {
    if (isPrice(value)) {
      out.push([path, value]);
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
    }
  };
  walk(prices, '');
  return out;
}

export function isPrice(value: unknown): value is Price {
  return !!value && typeof value === 'object' && typeof (value as Price).usd === 'number' && typeof (value as Price).source === 'string';
}
