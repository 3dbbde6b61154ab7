import { Construct } from 'constructs';
import { TerraformProvider } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { Wafv2WebAcl, Wafv2WebAclRule } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association';
import { Wafv2WebAclLoggingConfiguration } from '@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration';
import { WafConfig } from '../config/types';

export interface WebAclProps {
  /** `<project>-<env>` (`-cdn` for the CloudFront one). */
  readonly name: string;
  readonly scope: 'REGIONAL' | 'CLOUDFRONT';
  readonly waf: WafConfig;
  /** us-east-1 for the CloudFront scope. */
  readonly provider?: TerraformProvider;
  /** The load balancer to protect (REGIONAL). */
  readonly associateWith?: string;
  /** Only the ALB serves Django/Rails pages: the body rules and their re-blocks apply there. */
  readonly appRules: boolean;
}

/** The managed rule groups, in evaluation order (cheapest and most certain first). */
export const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesSQLiRuleSet',
] as const;

/**
 * Rules of the common rule set that misfire on Django/Rails apps: bodies over 8 KB (file uploads)
 * and HTML in bodies (rich-text editors, the Django admin). They only count (and label the
 * request); a rule of ours blocks the labelled requests outside the paths the config names.
 */
export const COUNTED_CORE_RULES = {
  SizeRestrictions_BODY: { label: 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body', allowedUnder: 'uploadPaths' },
  CrossSiteScripting_BODY: { label: 'awswaf:managed:aws:core-rule-set:CrossSiteScripting_Body', allowedUnder: 'richTextPaths' },
} as const;

/** Headers never written to the WAF log: credentials and sessions. */
export const REDACTED_HEADERS = ['authorization', 'cookie'];

/**
 * A WAF web ACL: AWS managed rule groups in order (IP reputation, known bad inputs, the common rule
 * set, SQL injection), the deliberate handling of the common set's false positives, and a rate
 * limit per client IP. In `count` mode every rule only counts (a rollout: read the log, then
 * block); in `block` mode they block. Logged to `aws-waf-logs-<name>` without the Authorization
 * and Cookie headers.
 */
export class WebAcl extends Construct {
  readonly acl: Wafv2WebAcl;
  readonly logGroup: CloudwatchLogGroup;
  /** The web ACL's `visibility_config.metric_name`: the value of the `WebACL` dimension of its metrics (not its name). */
  readonly metricName: string;
  /** The metric name of each rule (the `Rule` dimension), in evaluation order. */
  readonly ruleMetricNames: string[];
  /** `count`: every rule only counts; `block`: they block. */
  readonly mode: 'count' | 'block';

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    const { waf } = props;
    const counting = waf.mode === 'count';
    const visibility = (metric: string) => ({ cloudwatchMetricsEnabled: true, metricName: metric, sampledRequestsEnabled: true });
    const enforce = counting ? { count: {} } : { block: {} };
    this.metricName = props.name.replace(/[^A-Za-z0-9]/g, '');

    const rules: Wafv2WebAclRule[] = MANAGED_RULE_GROUPS.filter((group) => props.appRules || group !== 'AWSManagedRulesSQLiRuleSet').map((group, priority) => ({
      name: group,
      priority,
      // count: the group only counts; none: the group's own actions (block) apply.
      overrideAction: counting ? { count: {} } : { none: {} },
      statement: {
        managed_rule_group_statement: {
          vendor_name: 'AWS',
          name: group,
          ...(group === 'AWSManagedRulesCommonRuleSet' && props.appRules
            ? { rule_action_override: Object.keys(COUNTED_CORE_RULES).map((rule) => ({ name: rule, action_to_use: { count: {} } })) }
            : {}),
        },
      },
      visibilityConfig: visibility(group),
    }));
    if (props.appRules) {
      for (const [rule, { label, allowedUnder }] of Object.entries(COUNTED_CORE_RULES)) {
        const paths = waf[allowedUnder];
        const labelled = { label_match_statement: { scope: 'LABEL', key: label } };
        const outside = paths.map((path) => ({
          not_statement: { statement: { byte_match_statement: { field_to_match: { uri_path: {} }, positional_constraint: 'STARTS_WITH', search_string: path, text_transformation: [{ priority: 0, type: 'NONE' }] } } },
        }));
        rules.push({
          name: `${rule}-outside-allowed-paths`,
          priority: rules.length,
          action: enforce,
          statement: outside.length === 0 ? labelled : { and_statement: { statement: [labelled, ...outside] } },
          visibilityConfig: visibility(`${rule}OutsideAllowedPaths`),
        });
      }
    }
    rules.push({
      name: 'rate-limit-per-ip',
      priority: rules.length,
      action: enforce,
      statement: { rate_based_statement: { limit: waf.rateLimitPer5Min, aggregate_key_type: 'IP', evaluation_window_sec: 300 } },
      visibilityConfig: visibility('RateLimitPerIp'),
    });

    this.ruleMetricNames = rules.map((r) => r.visibilityConfig.metricName);
    this.mode = counting ? 'count' : 'block';
    this.acl = new Wafv2WebAcl(this, 'acl', {
      provider: props.provider,
      name: props.name,
      description: `${props.name}: managed rules, Django/Rails false positives handled, rate limit (${waf.mode})`,
      scope: props.scope,
      defaultAction: { allow: {} },
      rule: rules,
      visibilityConfig: visibility(this.metricName),
    });
    if (props.associateWith) {
      new Wafv2WebAclAssociation(this, 'association', { resourceArn: props.associateWith, webAclArn: this.acl.arn });
    }
    // The destination's name must start with aws-waf-logs- (WAF refuses anything else).
    this.logGroup = new CloudwatchLogGroup(this, 'logs', { provider: props.provider, name: `aws-waf-logs-${props.name}`, retentionInDays: waf.logRetentionDays });
    new Wafv2WebAclLoggingConfiguration(this, 'logging', {
      provider: props.provider,
      resourceArn: this.acl.arn,
      logDestinationConfigs: [this.logGroup.arn],
      redactedFields: REDACTED_HEADERS.map((name) => ({ singleHeader: { name } })),
    });
  }
}
