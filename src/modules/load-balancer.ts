import { Construct } from 'constructs';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbListenerRule, LbListenerRuleCondition } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { DataAwsElbServiceAccount } from '@cdktf/provider-aws/lib/data-aws-elb-service-account';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { allowFromCidr, allowToGroup, securityGroup } from '../lib/security-groups';
import { PrivateBucket } from './private-bucket';

export interface LoadBalancerModuleProps {
  readonly namePrefix: string;
  readonly accountId: string;
  readonly vpcId: string;
  readonly publicSubnetIds: string[];
  /** Validated regional ACM certificate (from the edge layer). */
  readonly certificateArn: string;
  readonly deletionProtection: boolean;
  /** Globally unique name of the access-log bucket, created when `accessLogs` is on. */
  readonly accessLogBucketName: string;
  readonly accessLogs: boolean;
  /** Empty the access-log bucket on destroy (non-prod). */
  readonly forceDestroyLogs: boolean;
}

/** A service the load balancer routes to. */
export interface LoadBalancerTargetProps {
  /** Short name (`web`): the target group's name prefix and the rule's description. */
  readonly name: string;
  readonly port: number;
  readonly healthCheckPath: string;
  readonly deregistrationDelay: number;
  /** Host headers this target answers (at least one of hosts/paths). */
  readonly hosts?: string[];
  /** Path patterns (`/api/*`). */
  readonly paths?: string[];
  /** Listener rule priority (1-50000, lower wins); fixed per target, so adding one reshuffles nothing. */
  readonly priority: number;
  /** The target group's health check (compute.*.healthCheck). */
  readonly healthCheck: { readonly successCodes: string; readonly healthyThreshold: number; readonly unhealthyThreshold: number; readonly intervalSeconds: number; readonly timeoutSeconds: number };
  readonly stickiness?: boolean;
  /** Client CIDRs the rule admits (source-ip condition); empty: every client. */
  readonly allowedSourceIps?: string[];
}

/** What a routed service needs from its target. */
export interface LoadBalancerTarget {
  readonly targetGroup: LbTargetGroup;
  readonly rule: LbListenerRule;
  /** `app/<lb>/<id>/targetgroup/<tg>/<id>`: the ALBRequestCountPerTarget resource label. */
  readonly requestCountResourceLabel: string;
  readonly port: number;
  readonly deregistrationDelay: number;
}

/** TLS 1.3 with TLS 1.2 fallback, forward-secret ciphers only (FSBP ELB.17 / checkov CKV_AWS_103). */
export const ALB_SSL_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

/** Status the listener answers for a host name the environment does not serve. */
export const UNKNOWN_HOST_STATUS = '404';

/**
 * Internet-facing ALB: HTTP only redirects; HTTPS answers only the environment's host names and
 * forwards each to its service by listener rule, anything else (scanners hitting the IP, a stale
 * DNS name) gets a fixed 404 from the load balancer without reaching the app. Its security group
 * admits 80/443 from the world and sends traffic only to the services' groups on their ports.
 */
export class LoadBalancerModule extends Construct {
  readonly loadBalancer: Lb;
  readonly securityGroup: SecurityGroup;
  readonly securityGroupId: string;
  readonly httpsListener: LbListener;
  readonly dnsName: string;
  readonly zoneId: string;
  readonly arnSuffix: string;
  readonly accessLogBucket?: PrivateBucket;
  readonly targets: Record<string, LoadBalancerTarget> = {};
  private readonly props: LoadBalancerModuleProps;

  constructor(scope: Construct, id: string, props: LoadBalancerModuleProps) {
    super(scope, id);
    this.props = props;
    const name = `${props.namePrefix}-alb`;

    this.securityGroup = securityGroup(this, 'sg', { name, description: `Load balancer ${name}: HTTP(S) from the internet`, vpcId: props.vpcId });
    this.securityGroupId = this.securityGroup.id;
    // The only world-open ingress in the stack: a public website's ports.
    for (const port of [80, 443]) {
      allowFromCidr(this, `ingress-${port}-ipv4`, { securityGroupId: this.securityGroupId, port, cidrIpv4: '0.0.0.0/0', description: `HTTP${port === 443 ? 'S' : ''} from the internet (IPv4)` });
    }

    if (props.accessLogs) {
      const elbAccount = new DataAwsElbServiceAccount(this, 'elb-account', {});
      this.accessLogBucket = new PrivateBucket(this, 'access-logs', {
        bucketName: props.accessLogBucketName,
        versioned: false,
        forceDestroy: props.forceDestroyLogs,
        lifecycleRules: [{ id: 'expire-logs', status: 'Enabled', filter: [{ prefix: '' }], expiration: [{ days: 90 }] }],
      });
      // ALB log delivery: the regional ELB account in older regions, the log-delivery service
      // principal in regions launched since 2022. Writes only under this account's prefix.
      const logObjects = `${this.accessLogBucket.arn}/alb/AWSLogs/${props.accountId}/*`;
      this.accessLogBucket.addPolicyStatements(
        { Sid: 'ElbAccountWritesAccessLogs', Effect: 'Allow', Principal: { AWS: elbAccount.arn }, Action: 's3:PutObject', Resource: logObjects },
        { Sid: 'ElbServiceWritesAccessLogs', Effect: 'Allow', Principal: { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' }, Action: 's3:PutObject', Resource: logObjects },
      );
    }

    this.loadBalancer = new Lb(this, 'alb', {
      name,
      loadBalancerType: 'application',
      internal: false,
      subnets: props.publicSubnetIds,
      securityGroups: [this.securityGroupId],
      dropInvalidHeaderFields: true,
      enableDeletionProtection: props.deletionProtection,
      idleTimeout: 60,
      accessLogs: this.accessLogBucket
        ? { bucket: this.accessLogBucket.bucketName, prefix: 'alb', enabled: true }
        : undefined,
      dependsOn: this.accessLogBucket ? this.accessLogBucket.ready : undefined,
    });

    new LbListener(this, 'http', {
      loadBalancerArn: this.loadBalancer.arn,
      port: 80,
      protocol: 'HTTP',
      defaultAction: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }],
    });
    this.httpsListener = new LbListener(this, 'https', {
      loadBalancerArn: this.loadBalancer.arn,
      port: 443,
      protocol: 'HTTPS',
      sslPolicy: ALB_SSL_POLICY,
      certificateArn: props.certificateArn,
      defaultAction: [{ type: 'fixed-response', fixedResponse: { contentType: 'text/plain', statusCode: UNKNOWN_HOST_STATUS, messageBody: 'Not found' } }],
    });

    this.dnsName = this.loadBalancer.dnsName;
    this.zoneId = this.loadBalancer.zoneId;
    this.arnSuffix = this.loadBalancer.arnSuffix;
  }

  /** A target group for a service and the HTTPS rule that routes its hosts/paths to it. */
  addTarget(id: string, target: LoadBalancerTargetProps): LoadBalancerTarget {
    if (!target.hosts?.length && !target.paths?.length) throw new Error(`load balancer target ${target.name}: give hosts or paths`);
    const targetGroup = new LbTargetGroup(this, `${id}-tg`, {
      // A name prefix plus create_before_destroy: a change that forces a new group (its port, say)
      // creates the new one and moves the rule and the service to it before deleting the old one,
      // which a fixed name would make impossible (ResourceInUse / DuplicateTargetGroupName).
      namePrefix: `${target.name.replace(/[^a-z0-9]/g, '').slice(0, 5) || 'svc'}-`,
      targetType: 'ip',
      protocol: 'HTTP',
      port: target.port,
      vpcId: this.props.vpcId,
      deregistrationDelay: String(target.deregistrationDelay),
      healthCheck: {
        enabled: true,
        path: target.healthCheckPath,
        protocol: 'HTTP',
        matcher: target.healthCheck.successCodes,
        interval: target.healthCheck.intervalSeconds,
        timeout: target.healthCheck.timeoutSeconds,
        healthyThreshold: target.healthCheck.healthyThreshold,
        unhealthyThreshold: target.healthCheck.unhealthyThreshold,
      },
      // Sticky sessions through the load balancer's own cookie (a day), only when asked for.
      ...(target.stickiness ? { stickiness: { type: 'lb_cookie', enabled: true, cookieDuration: 86400 } } : {}),
      tags: { Name: `${this.props.namePrefix}-${target.name}` },
      lifecycle: { createBeforeDestroy: true },
    });
    const condition: LbListenerRuleCondition[] = [
      ...(target.hosts?.length ? [{ hostHeader: { values: target.hosts } }] : []),
      ...(target.paths?.length ? [{ pathPattern: { values: target.paths } }] : []),
      ...(target.allowedSourceIps?.length ? [{ sourceIp: { values: target.allowedSourceIps } }] : []),
    ];
    const rule = new LbListenerRule(this, `${id}-rule`, {
      listenerArn: this.httpsListener.arn,
      priority: target.priority,
      action: [{ type: 'forward', targetGroupArn: targetGroup.arn }],
      condition,
      tags: { Name: `${this.props.namePrefix}-${target.name}` },
    });
    const routed = { targetGroup, rule, requestCountResourceLabel: `${this.loadBalancer.arnSuffix}/${targetGroup.arnSuffix}`, port: target.port, deregistrationDelay: target.deregistrationDelay };
    this.targets[id] = routed;
    return routed;
  }

  /** Lets the ALB reach a target security group on its container port (its only egress). */
  allowTargetGroup(id: string, targetSecurityGroupId: string, port: number): void {
    allowToGroup(this, `egress-${id}`, {
      securityGroupId: this.securityGroupId,
      destinationSecurityGroupId: targetSecurityGroupId,
      port,
      description: `To the ${id} tasks on the container port`,
    });
  }
}
