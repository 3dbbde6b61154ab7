import { Construct } from 'constructs';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';

/**
 * Security groups and their rules, always as standalone rule resources (never inline blocks, so
 * modules can add rules to each other's groups without fighting over one resource), and always
 * described. Rules between our own tiers reference security groups, never CIDRs.
 */

/**
 * A security group with no rules: it allows nothing in and nothing out until rules are added.
 *
 * Named by prefix (`<name>-<suffix>`) and replaced create-before-destroy: a change that forces a
 * new group (its description, say) creates the new one and moves every user to it before the old
 * one is deleted. With a fixed name the old group would have to go first, which fails for as long
 * as tasks, the database or the load balancer still use it. The Name tag keeps the readable name.
 */
export function securityGroup(scope: Construct, id: string, props: { name: string; description: string; vpcId: string }): SecurityGroup {
  // No inline rules: the provider revokes AWS's default allow-all egress rule on create, and the
  // standalone rule resources below own every rule.
  return new SecurityGroup(scope, id, {
    namePrefix: `${props.name}-`,
    description: props.description,
    vpcId: props.vpcId,
    tags: { Name: props.name },
    lifecycle: { createBeforeDestroy: true },
  });
}

export interface PortRule {
  /** The group receiving the rule. */
  readonly securityGroupId: string;
  readonly port: number;
  readonly description: string;
}

/** Ingress on one TCP port from another security group. */
export function allowFromGroup(scope: Construct, id: string, rule: PortRule & { sourceSecurityGroupId: string }): VpcSecurityGroupIngressRule {
  return new VpcSecurityGroupIngressRule(scope, id, {
    securityGroupId: rule.securityGroupId,
    referencedSecurityGroupId: rule.sourceSecurityGroupId,
    ipProtocol: 'tcp',
    fromPort: rule.port,
    toPort: rule.port,
    description: rule.description,
  });
}

/** Ingress on one TCP port from a CIDR (only the public load balancer uses this, for the world). */
export function allowFromCidr(scope: Construct, id: string, rule: PortRule & { cidrIpv4?: string; cidrIpv6?: string }): VpcSecurityGroupIngressRule {
  return new VpcSecurityGroupIngressRule(scope, id, {
    securityGroupId: rule.securityGroupId,
    cidrIpv4: rule.cidrIpv4,
    cidrIpv6: rule.cidrIpv6,
    ipProtocol: 'tcp',
    fromPort: rule.port,
    toPort: rule.port,
    description: rule.description,
  });
}

/** Egress on one TCP port to another security group. */
export function allowToGroup(scope: Construct, id: string, rule: PortRule & { destinationSecurityGroupId: string }): VpcSecurityGroupEgressRule {
  return new VpcSecurityGroupEgressRule(scope, id, {
    securityGroupId: rule.securityGroupId,
    referencedSecurityGroupId: rule.destinationSecurityGroupId,
    ipProtocol: 'tcp',
    fromPort: rule.port,
    toPort: rule.port,
    description: rule.description,
  });
}

/** Egress on one TCP port to a CIDR (tasks reaching AWS APIs and the internet over HTTPS). */
export function allowToCidr(scope: Construct, id: string, rule: PortRule & { cidrIpv4: string }): VpcSecurityGroupEgressRule {
  return new VpcSecurityGroupEgressRule(scope, id, {
    securityGroupId: rule.securityGroupId,
    cidrIpv4: rule.cidrIpv4,
    ipProtocol: 'tcp',
    fromPort: rule.port,
    toPort: rule.port,
    description: rule.description,
  });
}
