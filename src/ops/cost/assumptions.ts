/**
 * The usage the cost floor cannot know (requests, transfer, storage, e-mails): each one an
 * assumption with a default the user can change (`--assume`, `--assumptions`), priced as its own
 * line next to the floor.
 */
import type { Price, RegionPrices } from './prices';
import type { CostLine } from './estimate';
import { HOURS_PER_MONTH as H } from './schedule';
import { StackJson, resourcesOf } from './stack-json';

/** A quantity as the report prints it: at most three decimals. */
export const fmtNum = (n: number): string => (Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000));

/** Usage the floor cannot know: each one becomes an assumption line with its price. */
export interface Assumptions {
  /** Average Load Balancer Capacity Units per hour, per ALB. */
  albLcuAverage: number;
  /** GB per month served to the internet from the region (ALB responses). */
  dataTransferOutGb: number;
  /** GB per month processed by the NAT gateways (image pulls, API calls, outbound traffic). */
  natProcessedGb: number;
  /** GB per month through interface VPC endpoints. */
  endpointProcessedGb: number;
  /** GB per month delivered by CloudFront. */
  cloudfrontTransferGb: number;
  /** GB per month ingested into CloudWatch Logs (app logs, RDS logs, flow logs). */
  logsIngestedGb: number;
  /** GB stored in S3 Standard (all buckets). */
  s3StorageGb: number;
  /** Thousands of S3 PUT/COPY/POST/LIST requests per month. */
  s3PutThousands: number;
  /** Thousands of S3 GET requests per month. */
  s3GetThousands: number;
  /** Millions of SQS requests per month. */
  sqsMillionRequests: number;
  /** Millions of requests inspected by WAF per month. */
  wafMillionRequests: number;
  /** Thousands of e-mails sent through SES per month (the email section). */
  sesThousandEmails: number;
}

export const DEFAULT_ASSUMPTIONS: Readonly<Assumptions> = {
  albLcuAverage: 1,
  dataTransferOutGb: 50,
  natProcessedGb: 20,
  endpointProcessedGb: 20,
  cloudfrontTransferGb: 50,
  logsIngestedGb: 10,
  s3StorageGb: 20,
  s3PutThousands: 100,
  s3GetThousands: 1000,
  sqsMillionRequests: 1,
  wafMillionRequests: 5,
  sesThousandEmails: 10,
};

export const ASSUMPTION_DOCS: Readonly<Record<keyof Assumptions, string>> = {
  albLcuAverage: 'average LCUs per hour per ALB (1 LCU = 25 new conn/s, 3,000 active conn/min, 1 GB/h or 1,000 rule evals/s)',
  dataTransferOutGb: 'GB/month served to the internet from the region (ALB responses)',
  natProcessedGb: 'GB/month through the NAT gateways (image pulls, AWS API calls, outbound calls)',
  endpointProcessedGb: 'GB/month through interface VPC endpoints',
  cloudfrontTransferGb: 'GB/month delivered by CloudFront',
  logsIngestedGb: 'GB/month ingested into CloudWatch Logs',
  s3StorageGb: 'GB stored in S3 Standard, all buckets',
  s3PutThousands: 'thousands of S3 PUT/COPY/POST/LIST requests per month',
  s3GetThousands: 'thousands of S3 GET requests per month',
  sqsMillionRequests: 'millions of SQS requests per month',
  wafMillionRequests: 'millions of requests inspected by WAF per month',
  sesThousandEmails: 'thousands of e-mails sent through SES per month',
};

export function assumptionLines(json: StackJson, prices: RegionPrices, a: Assumptions): CostLine[] {
  const lines: CostLine[] = [];
  const add = (item: string, quantity: number, quantityLabel: string, price: Price, key: keyof Assumptions, notes: string[] = []) => {
    lines.push({ item, quantity, quantityLabel, price, monthlyUsd: quantity * price.usd, addresses: [], notes: [`assumption ${key}: ${ASSUMPTION_DOCS[key]}`, ...notes] });
  };
  const has = (type: string) => Object.keys(json.resource?.[type] ?? {}).length > 0;
  const albs = [...resourcesOf(json, 'aws_lb'), ...resourcesOf(json, 'aws_alb')].filter(([, b]) => String(b.load_balancer_type ?? 'application') === 'application');

  if (albs.length > 0) {
    add('ALB LCUs', albs.length * a.albLcuAverage * H, `${albs.length} ALB × ${fmtNum(a.albLcuAverage)} LCU × ${H} h`, prices.albLcuHour, 'albLcuAverage');
    add('Data transfer out to the internet', a.dataTransferOutGb, `${fmtNum(a.dataTransferOutGb)} GB`, prices.dataTransferOutGb, 'dataTransferOutGb',
      ['the first 100 GB/month per account are free: not deducted']);
  }
  if (has('aws_nat_gateway')) add('NAT data processing', a.natProcessedGb, `${fmtNum(a.natProcessedGb)} GB`, prices.natGatewayGb, 'natProcessedGb');
  if (resourcesOf(json, 'aws_vpc_endpoint').some(([, e]) => e.vpc_endpoint_type === 'Interface')) {
    add('Interface endpoint data processing', a.endpointProcessedGb, `${fmtNum(a.endpointProcessedGb)} GB`, prices.interfaceEndpointGb, 'endpointProcessedGb');
  }
  if (has('aws_cloudfront_distribution')) {
    add('CloudFront data transfer out', a.cloudfrontTransferGb, `${fmtNum(a.cloudfrontTransferGb)} GB`, prices.cloudfrontGb, 'cloudfrontTransferGb',
      ['CloudFront\'s always-free tier (1 TB and 10M requests per month per account) would make this $0: not deducted']);
  }
  if (has('aws_cloudwatch_log_group') || has('aws_flow_log')) {
    add('CloudWatch Logs ingestion', a.logsIngestedGb, `${fmtNum(a.logsIngestedGb)} GB`, prices.logsIngestedGb, 'logsIngestedGb',
      ['storage for the retention period (about $0.03/GB-month) is not included']);
  }
  if (has('aws_s3_bucket')) {
    add('S3 Standard storage', a.s3StorageGb, `${fmtNum(a.s3StorageGb)} GB-month`, prices.s3StandardGbMonth, 's3StorageGb');
    add('S3 PUT/COPY/POST/LIST requests', a.s3PutThousands, `${fmtNum(a.s3PutThousands)} × 1,000`, prices.s3PutThousand, 's3PutThousands');
    add('S3 GET requests', a.s3GetThousands, `${fmtNum(a.s3GetThousands)} × 1,000`, prices.s3GetThousand, 's3GetThousands');
  }
  if (has('aws_sqs_queue')) {
    add('SQS requests', a.sqsMillionRequests, `${fmtNum(a.sqsMillionRequests)} M`, prices.sqsMillionRequests, 'sqsMillionRequests',
      ['the first 1M requests per month are free: not deducted']);
  }
  if (has('aws_sesv2_email_identity')) {
    add('SES outbound e-mail', a.sesThousandEmails, `${fmtNum(a.sesThousandEmails)} × 1,000`, prices.sesThousandEmails, 'sesThousandEmails',
      ['receiving, attachments and dedicated IPs are not included']);
  }
  if (has('aws_wafv2_web_acl')) add('WAF requests', a.wafMillionRequests, `${fmtNum(a.wafMillionRequests)} M`, prices.wafMillionRequests, 'wafMillionRequests');
  return lines;
}
