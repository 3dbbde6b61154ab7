import { Construct } from 'constructs';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { NatMode } from '../config/types';
import { subnetCidr } from '../lib/cidr';
import { policyDocument } from '../lib/iam';
import { arn } from '../lib/naming';
import { allowFromGroup, securityGroup } from '../lib/security-groups';

export interface NetworkModuleProps {
  /** Prefix for resource names, e.g. `webapp-prod`. */
  readonly namePrefix: string;
  readonly region: string;
  readonly cidr: string;
  readonly azCount: number;
  /**
   * One zone per AZ, in subnet order: AZ IDs (`euw1-az1`) or names (`eu-west-1a`). Pinned in
   * config, never looked up: a data source filtered by zone health would shift every subnet to
   * another zone (a replacement of the whole network) during an AZ incident.
   */
  readonly availabilityZones: string[];
  readonly natMode: NatMode;
  /**
   * AWS services the tasks call, reached through interface endpoints when there is no NAT
   * (`natMode: none`): e.g. `ecr.api`, `ecr.dkr`, `logs`, `secretsmanager`. Ignored otherwise.
   */
  readonly interfaceEndpointServices?: string[];
  readonly flowLogs: boolean;
  /** The account of the VPC: the flow-log role trusts flow logs of this account only. */
  readonly accountId: string;
  /** Retention of the flow-log group, days. */
  readonly flowLogRetentionDays?: number;
}

export interface SubnetLayout {
  readonly public: string[];
  readonly private: string[];
}

/**
 * Subnet CIDRs derived from the VPC CIDR: the first quarter of the VPC is split into /(n+4)
 * public subnets (load balancers and NAT gateways need few addresses), and each of the other
 * three quarters is one AZ's private subnet (tasks, databases, caches). Blocks never overlap by
 * construction, and adding the third AZ later does not renumber the first two.
 */
export function subnetLayout(cidr: string, azCount: number): SubnetLayout {
  const indexes = [...Array(azCount).keys()];
  return {
    public: indexes.map((i) => subnetCidr(cidr, 4, i)),
    private: indexes.map((i) => subnetCidr(cidr, 2, i + 1)),
  };
}

/** What the rest of the stack needs of a network, created here or adopted (ExistingNetworkModule). */
export interface Network {
  readonly vpcId: string;
  /** One per AZ, in AZ order: the load balancer's. */
  readonly publicSubnetIds: string[];
  /** One per AZ, in AZ order: tasks, database, cache. */
  readonly privateSubnetIds: string[];
  /** The NAT gateways this stack owns (alarmed); none in an adopted VPC. */
  readonly natGateways: { readonly id: string }[];
  /** Admits a task security group to the interface endpoints on 443 (no-op when there are none). */
  allowEndpointsFrom(id: string, sourceSecurityGroupId: string): void;
}

export interface InterfaceEndpointsProps {
  readonly namePrefix: string;
  readonly region: string;
  readonly vpcId: string;
  readonly subnetIds: string[];
  /** `ecr.api`, `logs`, ... */
  readonly services: string[];
}

/**
 * No NAT: the private subnets reach the AWS APIs the tasks need through interface endpoints (ECR
 * and its S3 layers, logs, secrets...), and nothing else: no internet at all. Not a construct of
 * its own: its resources live in the network's scope, so their addresses are the network's.
 */
export class InterfaceEndpoints {
  readonly securityGroupId: string;
  readonly endpoints: Record<string, VpcEndpoint> = {};
  private readonly sources = new Set<string>();

  constructor(private readonly scope: Construct, props: InterfaceEndpointsProps) {
    const group = securityGroup(scope, 'endpoints-sg', {
      name: `${props.namePrefix}-endpoints`,
      description: `Interface endpoints of ${props.namePrefix}: HTTPS from the app tasks only`,
      vpcId: props.vpcId,
    });
    this.securityGroupId = group.id;
    for (const service of [...new Set(props.services)].sort()) {
      this.endpoints[service] = new VpcEndpoint(scope, `endpoint-${service.replace(/\./g, '-')}`, {
        vpcId: props.vpcId,
        serviceName: `com.amazonaws.${props.region}.${service}`,
        vpcEndpointType: 'Interface',
        privateDnsEnabled: true,
        subnetIds: props.subnetIds,
        securityGroupIds: [group.id],
        tags: { Name: `${props.namePrefix}-endpoint-${service}` },
      });
    }
  }

  allowFrom(id: string, sourceSecurityGroupId: string): void {
    if (this.sources.has(id)) return;
    this.sources.add(id);
    allowFromGroup(this.scope, `endpoints-ingress-${id}`, {
      securityGroupId: this.securityGroupId,
      sourceSecurityGroupId,
      port: 443,
      description: `HTTPS to the AWS API endpoints from the ${id} tasks`,
    });
  }
}

/** VPC over 2-3 AZs with public and private subnets, NAT per the chosen mode and an S3 endpoint. */
export class NetworkModule extends Construct implements Network {
  readonly vpc: Vpc;
  readonly vpcId: string;
  readonly vpcCidr: string;
  /** AZ names (a token list resolved at plan time), in subnet order. */
  readonly availabilityZones: string[];
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  readonly privateRouteTableIds: string[];
  readonly natGateways: NatGateway[];
  /** The interface endpoints (natMode none): their security group and the endpoints by service. */
  readonly interfaceEndpoints?: InterfaceEndpoints;

  constructor(scope: Construct, id: string, props: NetworkModuleProps) {
    super(scope, id);
    const layout = subnetLayout(props.cidr, props.azCount);
    const name = (suffix: string) => ({ Name: `${props.namePrefix}-${suffix}` });

    if (props.availabilityZones.length !== props.azCount) {
      throw new Error(`network: ${props.availabilityZones.length} availability zones for azCount ${props.azCount}`);
    }
    this.availabilityZones = props.availabilityZones;
    // A zone ID (euw1-az1) is the same place in every account; a name (eu-west-1a) is per account.
    const zone = (i: number) => (/-az\d+$/.test(props.availabilityZones[i]) ? { availabilityZoneId: props.availabilityZones[i] } : { availabilityZone: props.availabilityZones[i] });

    this.vpc = new Vpc(this, 'vpc', {
      cidrBlock: props.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: name('vpc'),
    });
    this.vpcId = this.vpc.id;
    this.vpcCidr = props.cidr;

    // FSBP EC2.2: the default security group must allow nothing; every resource gets its own group.
    new DefaultSecurityGroup(this, 'default-sg', { vpcId: this.vpc.id, ingress: [], egress: [], tags: name('default-deny') });

    const igw = new InternetGateway(this, 'igw', { vpcId: this.vpc.id, tags: name('igw') });

    const publicSubnets = layout.public.map(
      (cidr, i) =>
        new Subnet(this, `public-${i}`, {
          vpcId: this.vpc.id,
          cidrBlock: cidr,
          ...zone(i),
          // Nothing we run gets a public IP by itself (FSBP EC2.15); the ALB and NAT gateways use their own.
          mapPublicIpOnLaunch: false,
          tags: { ...name(`public-${i}`), tier: 'public' },
        }),
    );
    const publicRouteTable = new RouteTable(this, 'public-rt', { vpcId: this.vpc.id, tags: name('public') });
    new Route(this, 'public-default', {
      routeTableId: publicRouteTable.id,
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: igw.id,
    });
    publicSubnets.forEach(
      (subnet, i) => new RouteTableAssociation(this, `public-${i}-rta`, { subnetId: subnet.id, routeTableId: publicRouteTable.id }),
    );

    const natCount = props.natMode === 'perAz' ? props.azCount : props.natMode === 'single' ? 1 : 0;
    this.natGateways = [...Array(natCount).keys()].map((i) => {
      const eip = new Eip(this, `nat-${i}-eip`, { domain: 'vpc', tags: name(`nat-${i}`) });
      return new NatGateway(this, `nat-${i}`, {
        allocationId: eip.allocationId,
        subnetId: publicSubnets[i].id,
        tags: name(`nat-${i}`),
        dependsOn: [igw],
      });
    });

    const privateSubnets = layout.private.map(
      (cidr, i) =>
        new Subnet(this, `private-${i}`, {
          vpcId: this.vpc.id,
          cidrBlock: cidr,
          ...zone(i),
          mapPublicIpOnLaunch: false,
          tags: { ...name(`private-${i}`), tier: 'private' },
        }),
    );
    // perAz: one table per AZ so each AZ egresses through its own NAT (an AZ outage stays local).
    // single/none: one shared table.
    const privateTableCount = props.natMode === 'perAz' ? props.azCount : 1;
    const privateRouteTables = [...Array(privateTableCount).keys()].map((i) => {
      const table = new RouteTable(this, `private-rt-${i}`, { vpcId: this.vpc.id, tags: name(`private-${i}`) });
      if (this.natGateways.length > 0) {
        new Route(this, `private-${i}-default`, {
          routeTableId: table.id,
          destinationCidrBlock: '0.0.0.0/0',
          natGatewayId: this.natGateways[Math.min(i, this.natGateways.length - 1)].id,
        });
      }
      return table;
    });
    privateSubnets.forEach(
      (subnet, i) =>
        new RouteTableAssociation(this, `private-${i}-rta`, {
          subnetId: subnet.id,
          routeTableId: privateRouteTables[Math.min(i, privateRouteTables.length - 1)].id,
        }),
    );
    this.privateRouteTableIds = privateRouteTables.map((t) => t.id);

    // S3 traffic (ECR layers, assets, media) stays on the AWS network and skips NAT charges;
    // with natMode "none" it is the private subnets' only way out.
    new VpcEndpoint(this, 's3-endpoint', {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: [publicRouteTable.id, ...this.privateRouteTableIds],
      tags: name('s3'),
    });

    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateSubnetIds = privateSubnets.map((s) => s.id);

    if (props.natMode === 'none') {
      this.interfaceEndpoints = new InterfaceEndpoints(this, {
        namePrefix: props.namePrefix,
        region: props.region,
        vpcId: this.vpc.id,
        subnetIds: this.privateSubnetIds,
        services: props.interfaceEndpointServices ?? [],
      });
    }

    if (props.flowLogs) {
      const logGroup = new CloudwatchLogGroup(this, 'flow-logs', {
        name: `/vpc/${props.namePrefix}/flow-logs`,
        retentionInDays: props.flowLogRetentionDays ?? 90,
      });
      // The role AWS documents for flow logs to CloudWatch Logs (VPC user guide, "IAM role for
      // publishing flow logs to CloudWatch Logs"): trusted by vpc-flow-logs.amazonaws.com for this
      // account's flow logs only (aws:SourceAccount, aws:SourceArn: the confused-deputy conditions
      // the page recommends, with the flow log id as a wildcard since the role exists first), with
      // the five actions the page lists. Deliberately narrower than the page's "Resource": "*": the
      // log group exists before the flow log, so every action but DescribeLogGroups (a listing of
      // group names and settings, granted on "*" as the page does) is scoped to that group.
      const role = new IamRole(this, 'flow-logs-role', {
        name: `${props.namePrefix}-vpc-flow-logs`,
        description: `VPC flow logs of ${props.namePrefix} write to their log group`,
        assumeRolePolicy: policyDocument([
          {
            Effect: 'Allow',
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: {
              StringEquals: { 'aws:SourceAccount': props.accountId },
              ArnLike: { 'aws:SourceArn': arn(props.region, 'ec2', props.region, props.accountId, 'vpc-flow-log/*') },
            },
          },
        ]),
      });
      new IamRolePolicy(this, 'flow-logs-policy', {
        role: role.id,
        name: 'write-flow-logs',
        policy: policyDocument([
          { Sid: 'TheFlowLogGroup', Effect: 'Allow', Action: 'logs:CreateLogGroup', Resource: logGroup.arn },
          { Sid: 'FindTheGroup', Effect: 'Allow', Action: 'logs:DescribeLogGroups', Resource: '*' },
          { Sid: 'WriteItsStreams', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'], Resource: `${logGroup.arn}:*` },
        ]),
      });
      new FlowLog(this, 'flow-log', {
        vpcId: this.vpc.id,
        trafficType: 'ALL',
        logDestinationType: 'cloud-watch-logs',
        logDestination: logGroup.arn,
        iamRoleArn: role.arn,
        tags: name('flow-log'),
      });
    }
  }

  allowEndpointsFrom(id: string, sourceSecurityGroupId: string): void {
    this.interfaceEndpoints?.allowFrom(id, sourceSecurityGroupId);
  }
}
