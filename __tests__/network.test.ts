import { prod, staging } from '../src/config/environments';
import { subnetLayout } from '../src/modules/network';
import { processNames } from '../src/config/names';
import { cidrsOverlap } from '../src/lib/cidr';
import { dataOf, policyOf, resourcesOf, rulesOfGroup, securityGroupName, shipped, synthEnv, withConfig, withoutEmail } from './helpers/synth';

describe('subnet layout', () => {
  test.each([
    ['10.0.0.0/16', 3],
    ['10.0.0.0/16', 2],
    ['172.16.8.0/24', 3],
  ])('%s over %i AZs: public and private subnets, none overlapping', (cidr, azCount) => {
    const layout = subnetLayout(cidr, azCount);
    expect(layout.public).toHaveLength(azCount);
    expect(layout.private).toHaveLength(azCount);
    const all = [...layout.public, ...layout.private];
    all.forEach((a, i) => all.slice(i + 1).forEach((b) => expect(cidrsOverlap(a, b)).toBe(false)));
    all.forEach((a) => expect(cidrsOverlap(a, cidr)).toBe(true));
  });

  test('derives exact CIDRs from the VPC CIDR', () => {
    expect(subnetLayout('10.10.0.0/16', 3)).toEqual({
      public: ['10.10.0.0/20', '10.10.16.0/20', '10.10.32.0/20'],
      private: ['10.10.64.0/18', '10.10.128.0/18', '10.10.192.0/18'],
    });
  });
});

describe('network module', () => {
  test('prod: VPC with DNS, 3 AZs, one NAT gateway and private route table per AZ, flow logs', () => {
    const json = shipped('prod');
    const [[, vpc]] = resourcesOf(json, 'aws_vpc');
    expect(vpc).toMatchObject({ cidr_block: prod.network.cidr, enable_dns_support: true, enable_dns_hostnames: true });
    const subnets = resourcesOf(json, 'aws_subnet').map(([, s]) => s);
    expect(subnets.filter((s) => s.tags.tier === 'public').map((s) => s.cidr_block)).toEqual(subnetLayout(prod.network.cidr!, 3).public);
    expect(subnets.filter((s) => s.tags.tier === 'private').map((s) => s.cidr_block)).toEqual(subnetLayout(prod.network.cidr!, 3).private);
    expect(subnets.every((s) => s.map_public_ip_on_launch === false)).toBe(true);

    const nats = resourcesOf(json, 'aws_nat_gateway');
    expect(nats).toHaveLength(3);
    const natRoutes = resourcesOf(json, 'aws_route').filter(([, r]) => r.nat_gateway_id);
    expect(new Set(natRoutes.map(([, r]) => r.nat_gateway_id)).size).toBe(3);
    expect(new Set(natRoutes.map(([, r]) => r.route_table_id)).size).toBe(3);
    // Each NAT gateway sits in a different public subnet.
    expect(new Set(nats.map(([, n]) => n.subnet_id)).size).toBe(3);
    expect(resourcesOf(json, 'aws_flow_log')).toHaveLength(1);
    expect(resourcesOf(json, 'aws_flow_log')[0][1]).toMatchObject({ traffic_type: 'ALL', log_destination_type: 'cloud-watch-logs' });
  });

  test('prod: the flow-log role is the one AWS documents (VPC user guide, "IAM role for publishing flow logs to CloudWatch Logs"), scoped to its log group', () => {
    const json = shipped('prod');
    const [roleName, role] = resourcesOf(json, 'aws_iam_role').find(([, r]) => r.name === 'webapp-prod-vpc-flow-logs')!;
    // Trust: the page's confused-deputy conditions (the role had none).
    expect(policyOf(role.assume_role_policy).Statement).toEqual([{
      Effect: 'Allow',
      Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': prod.accountId }, ArnLike: { 'aws:SourceArn': `arn:aws:ec2:${prod.region}:${prod.accountId}:vpc-flow-log/*` } },
    }]);
    // Permissions: the five actions the page lists (DescribeLogGroups and CreateLogGroup were missing),
    // each on the flow-log group rather than "*".
    const [, policy] = resourcesOf(json, 'aws_iam_role_policy').find(([, p]) => p.role === `\${aws_iam_role.${roleName}.id}`)!;
    const statements = policyOf(policy.policy).Statement;
    expect(statements.flatMap((s: any) => [s.Action].flat()).sort()).toEqual(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams', 'logs:PutLogEvents']);
    const [group] = resourcesOf(json, 'aws_cloudwatch_log_group').find(([, g]) => g.name === '/vpc/webapp-prod/flow-logs')!;
    expect(statements.map((s: any) => s.Resource)).toEqual([`\${aws_cloudwatch_log_group.${group}.arn}`, '*', `\${aws_cloudwatch_log_group.${group}.arn}:*`]);
    expect(resourcesOf(json, 'aws_flow_log')[0][1].iam_role_arn).toBe(`\${aws_iam_role.${roleName}.arn}`);
  });

  test('staging: single NAT shared by one private route table, 2 AZs, no flow logs', () => {
    const json = shipped('staging');
    expect(staging.network.natMode).toBe('single');
    expect(resourcesOf(json, 'aws_subnet')).toHaveLength(4);
    expect(resourcesOf(json, 'aws_nat_gateway')).toHaveLength(1);
    const privateTables = resourcesOf(json, 'aws_route_table').filter(([n]) => n.includes('private'));
    expect(privateTables).toHaveLength(1);
    expect(resourcesOf(json, 'aws_route').filter(([, r]) => r.nat_gateway_id)).toHaveLength(1);
    expect(resourcesOf(json, 'aws_flow_log')).toHaveLength(0);
  });

  test('natMode none: no NAT, no internet route; interface endpoints for what the tasks call, reachable from the task groups only', () => {
    const env = withConfig(staging, (c) => (c.network.natMode = 'none'));
    const json = synthEnv(env);
    expect(resourcesOf(json, 'aws_nat_gateway')).toHaveLength(0);
    expect(resourcesOf(json, 'aws_eip')).toHaveLength(0);
    const routes = resourcesOf(json, 'aws_route').map(([, r]) => r);
    expect(routes).toHaveLength(1);
    expect(routes[0].gateway_id).toContain('aws_internet_gateway');
    const endpoints = resourcesOf(json, 'aws_vpc_endpoint').map(([, e]) => e);
    const gateway = endpoints.find((e) => e.vpc_endpoint_type === 'Gateway')!;
    expect(gateway.service_name).toBe(`com.amazonaws.${staging.region}.s3`);
    expect(gateway.route_table_ids.some((id: string) => id.includes('private'))).toBe(true);
    // Image pulls (ECR API + registry; layers come through the S3 gateway), logs and secrets,
    // ECS Exec's channels where exec is on, and SQS for the queues' producers and consumers:
    // exactly what the tasks need to start and run.
    const interfaces = endpoints.filter((e) => e.vpc_endpoint_type === 'Interface');
    expect(interfaces.map((e) => e.service_name).sort()).toEqual(
      ['ecr.api', 'ecr.dkr', 'logs', 'secretsmanager', 'sqs', 'ssmmessages'].map((s) => `com.amazonaws.${staging.region}.${s}`),
    );
    for (const e of interfaces) {
      expect(e).toMatchObject({ private_dns_enabled: true });
      expect(e.subnet_ids).toEqual(expect.arrayContaining([expect.stringMatching(/aws_subnet\.network_private-0/), expect.stringMatching(/aws_subnet\.network_private-1/)]));
      expect(e.subnet_ids).toHaveLength(2);
      expect(e.security_group_ids).toHaveLength(1);
    }
    const ingress = rulesOfGroup(json, 'ingress', 'webapp-staging-endpoints');
    expect(ingress.map((r) => securityGroupName(json, r.referenced_security_group_id)).sort()).toEqual(processNames(env).map((p) => `webapp-staging-${p.name}`).sort());
    ingress.forEach((r) => expect(r).toMatchObject({ from_port: 443, to_port: 443, ip_protocol: 'tcp' }));
    expect(ingress.every((r) => r.cidr_ipv4 === undefined)).toBe(true);
  });

  test('natMode none without ECS Exec has no SSM endpoint, without queues no SQS endpoint; with NAT there are no interface endpoints', () => {
    const noExec = synthEnv(withConfig(staging, (c) => ((c.network.natMode = 'none'), (c.compute.enableExec = false), withoutEmail(c))));
    expect(resourcesOf(noExec, 'aws_vpc_endpoint').map(([, e]) => e.service_name)).not.toContain(`com.amazonaws.${staging.region}.ssmmessages`);
    const noQueues = synthEnv(withConfig(staging, (c) => {
      c.network.natMode = 'none';
      withoutEmail(c); // its feedback queue is a queue too (and SES needs a NAT)
      c.compute.queues = [];
      c.compute.web.sendsTo = [];
      c.compute.services.forEach((svc) => (svc.sendsTo = []));
      c.compute.workers = c.compute.workers.filter((w) => !w.queues?.length);
    }));
    expect(resourcesOf(noQueues, 'aws_vpc_endpoint').map(([, e]) => e.service_name)).not.toContain(`com.amazonaws.${staging.region}.sqs`);
    expect(resourcesOf(shipped('staging'), 'aws_vpc_endpoint').map(([, e]) => e.vpc_endpoint_type)).toEqual(['Gateway']);
  });

  test.each(['staging', 'prod'] as const)('%s: default security group has no rules, S3 gateway endpoint on every route table', (name) => {
    const json = shipped(name);
    const [[, sg]] = resourcesOf(json, 'aws_default_security_group');
    expect(sg.ingress).toEqual([]);
    expect(sg.egress).toEqual([]);
    const tables = resourcesOf(json, 'aws_route_table').map(([n]) => n);
    const [[, endpoint]] = resourcesOf(json, 'aws_vpc_endpoint').filter(([, e]) => e.service_name.endsWith('.s3'));
    expect(endpoint.route_table_ids).toHaveLength(tables.length);
  });

  test.each(['staging', 'prod'] as const)('%s: subnets are pinned to the configured zone IDs, never to a health-filtered lookup', (name) => {
    const env = name === 'prod' ? prod : staging;
    const json = shipped(name);
    expect(dataOf(json, 'aws_availability_zones')).toEqual([]);
    const subnets = resourcesOf(json, 'aws_subnet').map(([, s]) => s);
    for (const tier of ['public', 'private']) {
      expect(subnets.filter((s) => s.tags.tier === tier).map((s) => s.availability_zone_id)).toEqual(env.network.availabilityZones);
    }
    expect(subnets.every((s) => s.availability_zone === undefined)).toBe(true);
  });

  test('zone names are accepted too and land in availability_zone', () => {
    const json = synthEnv(withConfig(staging, (c) => (c.network.availabilityZones = ['eu-west-1a', 'eu-west-1b'])));
    const subnets = resourcesOf(json, 'aws_subnet').map(([, s]) => s);
    expect(subnets.map((s) => s.availability_zone)).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1a', 'eu-west-1b']);
  });
});
