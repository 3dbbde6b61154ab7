import { Construct } from 'constructs';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { DataAwsElbServiceAccount } from '@cdktf/provider-aws/lib/data-aws-elb-service-account';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { allowFromCidr, allowToGroup, securityGroup } from '../lib/security-groups';
import { PrivateBucket } from './private-bucket';

export interface LoadBalancerModuleProps {
  readonly namePrefix: string;
  readonly vpcId: string;
  readonly publicSubnetIds: string[];
  /** Validated regional ACM certificate (from the edge layer). */
  readonly certificateArn: string;
  readonly containerPort: number;
  readonly healthCheckPath: string;
  readonly deregistrationDelay: number;
  readonly deletionProtection: boolean;
  readonly accessLogs: boolean;
  /** Empty the access-log bucket on destroy (non-prod). */
  readonly forceDestroyLogs: boolean;
}

/** TLS 1.3 with TLS 1.2 fallback, forward-secret ciphers only (FSBP ELB.17 / checkov CKV_AWS_103). */
export const ALB_SSL_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

/**
 * Internet-facing ALB: HTTP only redirects, HTTPS forwards to an `ip` target group for Fargate.
 * Its security group admits 80/443 from the world and sends traffic only to the app's group.
 */
export class LoadBalancerModule extends Construct {
  readonly loadBalancer: Lb;
  readonly securityGroup: SecurityGroup;
  readonly securityGroupId: string;
  readonly targetGroup: LbTargetGroup;
  readonly httpsListener: LbListener;
  readonly dnsName: string;
  readonly zoneId: string;
  /** `app/<name>/<id>/targetgroup/<name>/<id>`: the ALBRequestCountPerTarget resource label. */
  readonly requestCountResourceLabel: string;
  readonly accessLogBucket?: PrivateBucket;
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
      const caller = new DataAwsCallerIdentity(this, 'caller', {});
      this.accessLogBucket = new PrivateBucket(this, 'access-logs', {
        bucketName: `${props.namePrefix}-alb-logs`,
        versioned: false,
        forceDestroy: props.forceDestroyLogs,
        lifecycleRules: [{ id: 'expire-logs', status: 'Enabled', filter: [{ prefix: '' }], expiration: [{ days: 90 }] }],
      });
      // ALB log delivery: the regional ELB account in older regions, the log-delivery service
      // principal in regions launched since 2022. Writes only under this account's prefix.
      const logObjects = `${this.accessLogBucket.arn}/alb/AWSLogs/${caller.accountId}/*`;
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

    this.targetGroup = new LbTargetGroup(this, 'web', {
      name: `${props.namePrefix}-web`,
      targetType: 'ip',
      protocol: 'HTTP',
      port: props.containerPort,
      vpcId: props.vpcId,
      deregistrationDelay: String(props.deregistrationDelay),
      healthCheck: {
        enabled: true,
        path: props.healthCheckPath,
        protocol: 'HTTP',
        matcher: '200-399',
        interval: 15,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
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
      defaultAction: [{ type: 'forward', targetGroupArn: this.targetGroup.arn }],
    });

    this.dnsName = this.loadBalancer.dnsName;
    this.zoneId = this.loadBalancer.zoneId;
    this.requestCountResourceLabel = `${this.loadBalancer.arnSuffix}/${this.targetGroup.arnSuffix}`;
  }

  /** Lets the ALB reach a target security group on the container port (its only egress). */
  allowTargetGroup(id: string, targetSecurityGroupId: string): void {
    allowToGroup(this, `egress-${id}`, {
      securityGroupId: this.securityGroupId,
      destinationSecurityGroupId: targetSecurityGroupId,
      port: this.props.containerPort,
      description: `To the ${id} tasks on the container port`,
    });
  }
}
