import { Construct } from 'constructs';
import { Fn, Token } from 'cdktf';
import { DataAwsVpcs } from '@cdktf/provider-aws/lib/data-aws-vpcs';
import { DataAwsSubnets } from '@cdktf/provider-aws/lib/data-aws-subnets';
import { DataAwsSubnet } from '@cdktf/provider-aws/lib/data-aws-subnet';
import { DataAwsRouteTable } from '@cdktf/provider-aws/lib/data-aws-route-table';
import { DataAwsRouteTables } from '@cdktf/provider-aws/lib/data-aws-route-tables';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { NatMode } from '../config/types';
import { InterfaceEndpoints, Network } from './network';

export interface ExistingNetworkModuleProps {
  readonly namePrefix: string;
  readonly region: string;
  readonly accountId: string;
  readonly vpcId: string;
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  /**
   * `single`/`perAz`: the private subnets must route 0.0.0.0/0 through a NAT gateway (or a transit
   * gateway or network interface: a shared egress VPC, a NAT instance) of the VPC's owner.
   * `none`: no route out is needed; the stack adds the interface endpoints and an S3 gateway endpoint.
   */
  readonly natMode: NatMode;
  readonly interfaceEndpointServices?: string[];
}

/** The config field of a subnet, for messages. */
const field = (tier: 'public' | 'private', i: number) => `network.existing.${tier}SubnetIds[${i}]`;

/**
 * An adopted VPC (`network.existing`, docs/migrating.md): nothing of it is created or changed
 * (no VPC, subnets, routes, NAT, internet gateway or flow logs: those stay their owner's), and
 * everything else of the environment lands in the given subnets. What the config cannot tell is
 * checked at plan time, before anything is created, by data sources whose postconditions name the
 * config field: the VPC and every subnet exist, each subnet is in that VPC, each tier has one
 * subnet per zone and the private zones are the load balancer's, public subnets route to an
 * internet gateway, private subnets do not, and with NAT they route out through one.
 *
 * The lookups go by id, never by filters such as tags: a lookup that matched more or other
 * subnets tomorrow would move the database.
 */
export class ExistingNetworkModule extends Construct implements Network {
  readonly vpcId: string;
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  readonly natGateways: { readonly id: string }[] = [];
  readonly interfaceEndpoints?: InterfaceEndpoints;

  constructor(scope: Construct, id: string, props: ExistingNetworkModuleProps) {
    super(scope, id);
    const where = `account ${props.accountId}, region ${props.region}`;
    const vpcs = new DataAwsVpcs(this, 'existing-vpc', {
      filter: [{ name: 'vpc-id', values: [props.vpcId] }],
      lifecycle: {
        postcondition: [{
          condition: '${length(self.ids) == 1}',
          errorMessage: `network.existing.vpcId: there is no VPC ${props.vpcId} in ${where}: give the id of the VPC to adopt (aws ec2 describe-vpcs --region ${props.region})`,
        }],
      },
    });
    this.vpcId = Token.asString(Fn.element(vpcs.ids, 0));

    const given = [...props.publicSubnetIds, ...props.privateSubnetIds];
    const found = new DataAwsSubnets(this, 'existing-subnets', {
      filter: [{ name: 'subnet-id', values: given }],
      dependsOn: [vpcs],
      lifecycle: {
        postcondition: [{
          condition: `\${length(self.ids) == ${new Set(given).size}}`,
          errorMessage: `network.existing: subnet(s) \${join(", ", tolist(setsubtract(${JSON.stringify(given)}, self.ids)))} not found in ${where}: give the ids of the VPC's subnets (aws ec2 describe-subnets --region ${props.region} --filters Name=vpc-id,Values=${props.vpcId})`,
        }],
      },
    });

    // The VPC's main route table serves every subnet without an explicit association.
    const mainRouteTable = new DataAwsRouteTable(this, 'existing-main-route-table', {
      vpcId: props.vpcId,
      filter: [{ name: 'association.main', values: ['true'] }],
      dependsOn: [found],
    });

    const subnets = { public: [] as DataAwsSubnet[], private: [] as DataAwsSubnet[] };
    const routeTables: DataAwsRouteTable[] = [];
    const tiers = [['public', props.publicSubnetIds], ['private', props.privateSubnetIds]] as const;
    for (const [tier, ids] of tiers) {
      ids.forEach((subnetId, i) => {
        const f = field(tier, i);
        const earlierZones = subnets[tier].map((s) => s.availabilityZone);
        const conditions = [
          { condition: `\${self.vpc_id == "${props.vpcId}"}`, errorMessage: `${f}: subnet ${subnetId} is in VPC \${self.vpc_id}, not in network.existing.vpcId ${props.vpcId}: give subnets of that VPC` },
        ];
        if (earlierZones.length > 0) {
          conditions.push({
            condition: `\${!contains([${earlierZones.join(', ')}], self.availability_zone)}`,
            errorMessage: `${f}: subnet ${subnetId} is in \${self.availability_zone}, like an earlier subnet of network.existing.${tier}SubnetIds: give one subnet per availability zone`,
          });
        }
        if (tier === 'private') {
          conditions.push({
            condition: `\${contains([${subnets.public.map((s) => s.availabilityZone).join(', ')}], self.availability_zone)}`,
            errorMessage: `${f}: subnet ${subnetId} is in \${self.availability_zone}, where none of network.existing.publicSubnetIds is: the load balancer only sends traffic to tasks in its own zones; give private and public subnets in the same zones`,
          });
        }
        const subnet = new DataAwsSubnet(this, `existing-${tier}-${i}`, { id: subnetId, dependsOn: [found], lifecycle: { postcondition: conditions } });
        subnets[tier].push(subnet);

        const associated = new DataAwsRouteTables(this, `existing-${tier}-${i}-association`, {
          vpcId: props.vpcId,
          filter: [{ name: 'association.subnet-id', values: [subnetId] }],
          dependsOn: [subnet],
        });
        routeTables.push(new DataAwsRouteTable(this, `existing-${tier}-${i}-routes`, {
          // Its explicitly associated table, else the VPC's main table.
          routeTableId: Token.asString(Fn.element(Fn.concat([associated.ids, [mainRouteTable.id]]), 0)),
          lifecycle: { postcondition: routeConditions(tier, f, subnetId, props.natMode) },
        }));
      });
    }
    this.publicSubnetIds = subnets.public.map((s) => s.id);
    this.privateSubnetIds = subnets.private.map((s) => s.id);

    if (props.natMode === 'none') {
      this.interfaceEndpoints = new InterfaceEndpoints(this, {
        namePrefix: props.namePrefix,
        region: props.region,
        vpcId: this.vpcId,
        subnetIds: this.privateSubnetIds,
        services: props.interfaceEndpointServices ?? [],
      });
      // S3 (ECR image layers, assets, media) through a gateway endpoint on the private route tables.
      new VpcEndpoint(this, 's3-endpoint', {
        vpcId: this.vpcId,
        serviceName: `com.amazonaws.${props.region}.s3`,
        vpcEndpointType: 'Gateway',
        routeTableIds: Fn.distinct(routeTables.slice(props.publicSubnetIds.length).map((t) => t.id)),
        tags: { Name: `${props.namePrefix}-s3` },
      });
    }
  }

  allowEndpointsFrom(id: string, sourceSecurityGroupId: string): void {
    this.interfaceEndpoints?.allowFrom(id, sourceSecurityGroupId);
  }
}

/** Default routes of a subnet's route table (`self`): public to an internet gateway; private never to one, and out through NAT unless natMode is none. */
function routeConditions(tier: 'public' | 'private', f: string, subnetId: string, natMode: NatMode) {
  const viaInternetGateway = '[for r in self.routes : r if (r.cidr_block == "0.0.0.0/0" || r.ipv6_cidr_block == "::/0") && startswith(coalesce(r.gateway_id, "-"), "igw-")]';
  const publicDefault = '[for r in self.routes : r if r.cidr_block == "0.0.0.0/0" && startswith(coalesce(r.gateway_id, "-"), "igw-")]';
  const table = 'route table ${self.route_table_id}';
  if (tier === 'public') {
    return [{
      condition: `\${length(${publicDefault}) > 0}`,
      errorMessage: `${f}: subnet ${subnetId} (${table}) has no 0.0.0.0/0 route to an internet gateway, so an internet-facing load balancer cannot serve from it: give public subnets`,
    }];
  }
  const conditions = [{
    condition: `\${length(${viaInternetGateway}) == 0}`,
    errorMessage: `${f}: subnet ${subnetId} (${table}) routes 0.0.0.0/0 or ::/0 to an internet gateway: it is a public subnet, and tasks, database and cache belong in private ones`,
  }];
  if (natMode !== 'none') {
    conditions.push({
      // NAT gateway, transit gateway, a NAT instance's interface, a firewall or Gateway Load Balancer endpoint, Cloud WAN.
      condition: '${length([for r in self.routes : r if r.cidr_block == "0.0.0.0/0" && length(compact([r.nat_gateway_id, r.transit_gateway_id, r.network_interface_id, r.vpc_endpoint_id, r.core_network_arn])) > 0]) > 0}',
      errorMessage: `${f}: subnet ${subnetId} (${table}) has no route out (0.0.0.0/0 to a NAT gateway, transit gateway, network interface, firewall endpoint or core network), and natMode is "${natMode}": the tasks could not pull images or reach AWS. Add a NAT route, or set network.natMode to "none" and the stack adds the VPC endpoints the tasks need`,
    });
  }
  return conditions;
}
