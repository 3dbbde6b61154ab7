import { staging, prod } from '../src/config/environments';
import { expectRejected } from './helpers/config';
import { withInternalService } from './helpers/internal';
import { onlyResource, resourcesOf, securityGroupName, synthEnv, withConfig } from './helpers/synth';

/**
 * Internal services (compute.internalServices, Copilot's Backend Service): no public route, found
 * by name through a Cloud Map private DNS namespace, reachable only from the processes that call it.
 */
describe('an internal service', () => {
  const json = synthEnv(withInternalService(staging, ['web', 'celery']));
  const containers = (family: RegExp) => JSON.parse(resourcesOf(json, 'aws_ecs_task_definition').find(([n]) => family.test(n))![1].container_definitions);
  const url = (family: RegExp) => containers(family)[0].environment.find((e: any) => e.name === 'PRICING_URL')?.value;

  test('has a private DNS namespace in the environment\'s VPC and a Cloud Map service whose A records ECS keeps (10 s TTL)', () => {
    expect(onlyResource(json, 'aws_service_discovery_private_dns_namespace')).toMatchObject({ name: 'webapp-staging.internal', vpc: expect.stringMatching(/aws_vpc\.network_vpc_\w+\.id/) });
    expect(onlyResource(json, 'aws_service_discovery_service')).toMatchObject({
      name: 'pricing',
      dns_config: { dns_records: [{ type: 'A', ttl: 10 }], routing_policy: 'MULTIVALUE', namespace_id: expect.stringMatching(/aws_service_discovery_private_dns_namespace\./) },
      force_destroy: true,
    });
    const [, service] = resourcesOf(json, 'aws_ecs_service').find(([n]) => /internal-pricing/.test(n))!;
    expect(service.service_registries).toEqual({ registry_arn: expect.stringMatching(/aws_service_discovery_service\.discovery_service-pricing_\w+\.arn/) });
    expect(service.load_balancer).toBeUndefined();
    expect(resourcesOf(json, 'aws_lb_target_group').filter(([n]) => /pricing/.test(n))).toEqual([]);
    expect(onlyResource(synthEnv(withInternalService(prod)), 'aws_service_discovery_service').force_destroy).toBe(false);
  });

  test('only its callers reach it: ingress from their groups on its port, their egress to it, and <NAME>_URL in their containers', () => {
    const ingress = resourcesOf(json, 'aws_vpc_security_group_ingress_rule').map(([, r]) => r).filter((r) => securityGroupName(json, r.security_group_id) === 'webapp-staging-pricing');
    expect(ingress.map((r) => [securityGroupName(json, r.referenced_security_group_id), r.from_port, r.to_port, r.cidr_ipv4]).sort()).toEqual([['webapp-staging-celery', 9000, 9000, undefined], ['webapp-staging-web', 9000, 9000, undefined]]);
    const egressTo = resourcesOf(json, 'aws_vpc_security_group_egress_rule').map(([, r]) => r).filter((r) => securityGroupName(json, r.referenced_security_group_id) === 'webapp-staging-pricing');
    expect(egressTo.map((r) => securityGroupName(json, r.security_group_id)).sort()).toEqual(['webapp-staging-celery', 'webapp-staging-web']);
    expect(url(/^web_/)).toBe('http://pricing.webapp-staging.internal:9000');
    expect(url(/^worker-celery_/)).toBe('http://pricing.webapp-staging.internal:9000');
    expect(url(/^worker-mailer_/)).toBeUndefined();
    expect(url(/^service-api_/)).toBeUndefined();
  });

  test('called by every app process when calledBy is empty', () => {
    const open = synthEnv(withInternalService(staging));
    const family = (re: RegExp) => JSON.parse(resourcesOf(open, 'aws_ecs_task_definition').find(([n]) => re.test(n))![1].container_definitions)[0].environment.some((e: any) => e.name === 'PRICING_URL');
    expect([/^web_/, /^service-api_/, /^worker-celery_/, /^worker-mailer_/, /^oneoff_/].map(family)).toEqual([true, true, true, true, true]);
    expect(family(/^database-admin_/)).toBe(false);
  });

  test('is a long-running service like the others: its own roles and logs, scaling, alarms, and the night schedule', () => {
    expect(resourcesOf(json, 'aws_appautoscaling_target').some(([, t]) => /aws_ecs_service\.internal-pricing_service_\w+\.name/.test(t.resource_id))).toBe(true);
    expect(resourcesOf(json, 'aws_cloudwatch_metric_alarm').filter(([, a]) => /internal-pricing_service/.test(a.dimensions?.ServiceName ?? '')).map(([n]) => n.split('_')[1]).sort()).toEqual(['pricing-cpu', 'pricing-memory']);
    expect(resourcesOf(json, 'aws_cloudwatch_metric_alarm').some(([n]) => /^alarms_pricing-running-tasks_/.test(n))).toBe(true);
    expect(resourcesOf(json, 'aws_appautoscaling_scheduled_action').filter(([, a]) => /pricing/.test(a.name)).map(([, a]) => a.name).sort()).toEqual(['webapp-staging-pricing-down', 'webapp-staging-pricing-up']);
    expect(resourcesOf(json, 'aws_iam_role').map(([, r]) => r.name)).toEqual(expect.arrayContaining(['webapp-staging-pricing-execution', 'webapp-staging-pricing-task']));
  });

  test('validation: callers that exist, a port, a name of its own, two tasks in production', () => {
    expectRejected(withInternalService(staging, ['frontend']), 'compute.internalServices[0].calledBy[0]', /is "frontend", not a process that can call it: use "web", "api", "celery", "mailer", "task"/);
    expectRejected(withConfig(withInternalService(staging), (c) => (c.compute.internalServices[0].containerPort = 70000)), 'compute.internalServices[0].containerPort', /use a TCP port/);
    expectRejected(withConfig(withInternalService(staging), (c) => (c.compute.internalServices[0].name = 'api')), 'compute.internalServices[0].name', /already the name of compute\.services\[0\]\.name/);
    expectRejected(withConfig(withInternalService(prod), (c) => (c.compute.internalServices[0].minCount = 1)), 'compute.internalServices[0].minCount', /at least 2 tasks/);
    expectRejected(withConfig(withInternalService(staging), (c) => (c.compute.environment.PRICING_URL = 'http://elsewhere')), 'compute.environment', /sets PRICING_URL, which the stack gives the callers of internal service "pricing"/);
  });
});
