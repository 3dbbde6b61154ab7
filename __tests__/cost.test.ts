/**
 * `npm run cost` (src/ops/cost/): the monthly estimate of an environment's fixed floor, on small
 * hand-made stacks (__tests__/fixtures/cost/) and on the shipped staging/prod synthesized in-process.
 * No network, no AWS, no synth process.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { environments, prod as prodConfig, staging as stagingConfig } from '../src/config/environments';
import { REGIONS } from '../src/config/regions';
import { CostIO, parseCostArgs, runCost } from '../src/ops/cost/cli';
import { nodeCostIO, synthesizeStacks } from '../src/ops/cost/node-io';
import {
  CostLine, DEFAULT_ASSUMPTIONS, HOURS_PER_MONTH, NAT_FREE_ENDPOINTS, StackJson, estimateStack, releasedCount, spotTasks,
  withMultiAzOff, withNatMode, withNightSchedule, withSpot,
} from '../src/ops/cost/estimate';
import { PRICES, allPrices } from '../src/ops/cost/prices';
import { formatMarkdown, formatText } from '../src/ops/cost/report';
import { CATEGORIES, byCategory, costCategory } from '../src/ops/cost/chart';
import { HOURS_PER_MONTH as H, parseWeeklyCron, runningHours, weekStrip } from '../src/ops/cost/schedule';
import { shippedWeekStrip } from '../src/ops/cost/week';
import { shipped, synthEnv, withConfig } from './helpers/synth';

const FIXTURES = path.join(__dirname, 'fixtures', 'cost');
const fixture = (name: string): StackJson => JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));
const asStack = (json: unknown): StackJson => structuredClone(json) as StackJson;
const lines = (e: { lines: CostLine[] }, match: RegExp) => e.lines.filter((l) => match.test(l.item));
const sum = (ls: CostLine[]) => ls.reduce((s, l) => s + l.monthlyUsd, 0);

const usEast = PRICES['us-east-1'];
const euWest = PRICES['eu-west-1'];

describe('price table', () => {
  test('covers at least us-east-1, eu-west-1, eu-central-1 and us-west-2, all of them supported regions', () => {
    for (const region of ['us-east-1', 'eu-west-1', 'eu-central-1', 'us-west-2']) expect(PRICES[region]?.region).toBe(region);
    for (const region of Object.keys(PRICES)) expect(REGIONS[region]).toBeDefined();
  });

  test('every price has a source (a URL, or "estimate" with a reason) and a read date', () => {
    let count = 0;
    for (const prices of Object.values(PRICES)) {
      for (const [where, price] of allPrices(prices)) {
        count++;
        const label = `${prices.region}.${where}`;
        expect({ label, read: /^\d{4}-\d{2}(-\d{2})?$/.test(price.read) }).toEqual({ label, read: true });
        if (price.source === 'estimate') {
          expect({ label, reason: (price.reason ?? '').length > 20 }).toEqual({ label, reason: true });
        } else {
          expect({ label, source: /^https?:\/\/\S+$/.test(price.source) }).toEqual({ label, source: true });
        }
        expect(price.usd).toBeGreaterThan(0);
        expect(price.unit).not.toBe('');
      }
    }
    expect(count).toBeGreaterThan(4 * 30);
  });

  test('Fargate Spot is cheaper than on-demand and ARM cheaper than x86, in every region', () => {
    for (const p of Object.values(PRICES)) {
      for (const arch of ['X86_64', 'ARM64'] as const) {
        expect(p.fargateSpot[arch].vcpuHour.usd).toBeLessThan(p.fargate[arch].vcpuHour.usd);
        expect(p.fargateSpot[arch].gbHour.usd).toBeLessThan(p.fargate[arch].gbHour.usd);
      }
      expect(p.fargate.ARM64.vcpuHour.usd).toBeLessThan(p.fargate.X86_64.vcpuHour.usd);
    }
  });
});

describe('night schedule hours', () => {
  const UP = 'cron(0 7 ? * MON-FRI *)';
  const DOWN = 'cron(0 20 ? * MON-FRI *)';

  test('MON-FRI 07:00-20:00 is 65 h/week, 65 × 52/12 h/month', () => {
    const h = runningHours([UP], [DOWN]);
    expect(h.understood).toBe(true);
    expect(h.weeklyHours).toBe(65);
    expect(h.monthlyHours).toBeCloseTo((65 * 52) / 12, 10);
  });

  test('other understood forms: every day, comma lists, numbers (1 = SUN), overnight windows', () => {
    expect(runningHours(['cron(0 7 ? * * *)'], ['cron(0 20 ? * * *)']).weeklyHours).toBe(91);
    expect(runningHours(['cron(30 8 ? * MON,WED,FRI *)'], ['cron(30 18 ? * MON,WED,FRI *)']).weeklyHours).toBe(30);
    expect(runningHours(['cron(0 7 ? * 2-6 *)'], ['cron(0 20 ? * 2-6 *)']).weeklyHours).toBe(65);
    expect(runningHours(['cron(0 20 ? * * *)'], ['cron(0 7 ? * * *)']).weeklyHours).toBe(77); // runs overnight
    expect(runningHours(['cron(0 7 ? * MON *)'], ['cron(0 20 ? * FRI *)']).weeklyHours).toBe(4 * 24 + 13);
    expect(parseWeeklyCron('cron(0 7 ? * MON-WED,SAT *)')?.days).toEqual([1, 2, 3, 6]);
  });

  test('no down action: around the clock; anything else: "schedule not understood, full month assumed"', () => {
    expect(runningHours([UP], [])).toMatchObject({ understood: true, monthlyHours: H });
    for (const odd of ['rate(12 hours)', 'cron(0 7 1 * ? *)', 'cron(0/5 7 ? * MON-FRI *)', 'cron(0 7 ? JAN MON *)', 'at(2026-12-01T07:00:00)']) {
      const h = runningHours([odd], [DOWN]);
      expect(h.understood).toBe(false);
      expect(h.monthlyHours).toBe(H);
      expect(h.description).toMatch(/schedule not understood.*full month assumed/);
    }
  });

  test('the time zone does not change the weekly total (service actions and RDS stop/start)', () => {
    const floors = ['Europe/Dublin', 'America/Los_Angeles', 'Asia/Tokyo', undefined].map((tz) => {
      const json = fixture('scheduled');
      for (const a of Object.values(json.resource!.aws_appautoscaling_scheduled_action)) a.timezone = tz;
      for (const s of Object.values(json.resource!.aws_scheduler_schedule)) s.schedule_expression_timezone = tz;
      return estimateStack(json).floorUsd;
    });
    for (const f of floors) expect(f).toBeCloseTo(floors[0], 10);
  });

  test('a scheduled service and a stopped RDS instance are priced for 65 h/week; RDS storage stays billed', () => {
    const e = estimateStack(fixture('scheduled'), { name: 'scheduled' });
    const month = (65 * 52) / 12;
    const [vcpu] = lines(e, /^Fargate sched-web vCPU/);
    expect(vcpu.quantity).toBeCloseTo(0.25 * month, 10);
    expect(vcpu.monthlyUsd).toBeCloseTo(0.25 * month * euWest.fargate.X86_64.vcpuHour.usd, 10);
    const [db] = lines(e, /^RDS postgres/);
    expect(db.quantity).toBeCloseTo(month, 10);
    expect(db.addresses).toEqual(expect.arrayContaining(['aws_scheduler_schedule.db-stop', 'aws_scheduler_schedule.db-start']));
    const [storage] = lines(e, /^RDS gp3 storage/);
    expect(storage.monthlyUsd).toBeCloseTo(20 * euWest.rdsGp3GbMonth.usd, 10);
    const sw = e.switches.find((s) => s.id === 'night-schedule')!;
    expect(sw.label).toBe('night schedule (present)');
    expect(sw.savesUsd).toBeGreaterThan(0);
  });

  test('scheduled actions reach a service through its scaling target, a literal name, or the service itself', () => {
    const month = (65 * 52) / 12;
    const forms: Record<string, string> = {
      'a reference to the scaling target (night-schedule.ts)': '${aws_appautoscaling_target.web.resource_id}',
      'the scaling target\'s id': '${aws_appautoscaling_target.web.id}',
      'the cluster and service composition': 'service/${aws_ecs_cluster.cluster.name}/${aws_ecs_service.web.name}',
      'a literal service/<cluster>/<name>': 'service/sched-cluster/sched-web',
    };
    for (const [form, resourceId] of Object.entries(forms)) {
      const json = fixture('scheduled');
      for (const a of Object.values(json.resource!.aws_appautoscaling_scheduled_action)) a.resource_id = resourceId;
      const [vcpu] = lines(estimateStack(json), /^Fargate sched-web vCPU/);
      expect({ form, quantity: vcpu.quantity }).toEqual({ form, quantity: expect.closeTo(0.25 * month, 10) });
      expect(vcpu.addresses).toEqual(expect.arrayContaining(['aws_appautoscaling_scheduled_action.web-down', 'aws_appautoscaling_scheduled_action.web-up']));
    }
    // A scaling target with a literal resource_id, referenced by the actions.
    const literal = fixture('scheduled');
    literal.resource!.aws_appautoscaling_target.web.resource_id = 'service/sched-cluster/sched-web';
    for (const a of Object.values(literal.resource!.aws_appautoscaling_scheduled_action)) a.resource_id = '${aws_appautoscaling_target.web.resource_id}';
    expect(lines(estimateStack(literal), /^Fargate sched-web vCPU/)[0].quantity).toBeCloseTo(0.25 * month, 10);
  });

  test('actions on another service\'s scaling target (or an unknown one) leave a service around the clock', () => {
    for (const resourceId of ['${aws_appautoscaling_target.other.resource_id}', '${aws_appautoscaling_target.missing.resource_id}', 'service/sched-cluster/sched-web-2']) {
      const json = fixture('scheduled');
      json.resource!.aws_appautoscaling_target.other = { ...json.resource!.aws_appautoscaling_target.web, resource_id: 'service/${aws_ecs_cluster.cluster.name}/${aws_ecs_service.other.name}' };
      for (const a of Object.values(json.resource!.aws_appautoscaling_scheduled_action)) a.resource_id = resourceId;
      const [vcpu] = lines(estimateStack(json), /^Fargate sched-web vCPU/);
      expect({ resourceId, label: vcpu.quantityLabel }).toEqual({ resourceId, label: '1 task × 0.25 vCPU × 730 h' });
    }
  });

  test('without a schedule, the switch prices a weekday 07:00-20:00 one', () => {
    const json = fixture('per-az');
    const e = estimateStack(json);
    const sw = e.switches.find((s) => s.id === 'night-schedule')!;
    expect(sw.applicable).toBe(true);
    const scheduled = estimateStack(withNightSchedule(json, 'us-east-1'));
    expect(Object.values(scheduled.lines).length).toBeGreaterThan(0);
    expect(JSON.stringify(withNightSchedule(json, 'us-east-1').resource!.aws_scheduler_schedule)).toContain('"arn:aws:scheduler:::aws-sdk:rds:stopDBInstance"');
    expect(sw.floorAfterUsd).toBeCloseTo(scheduled.floorUsd, 10);
    const ratio = (65 * 52) / 12 / HOURS_PER_MONTH;
    const running = sum(lines(e, /^(Fargate|RDS postgres)/));
    expect(sw.savesUsd).toBeCloseTo(running * (1 - ratio), 8);
  });
});

describe('counts and capacity', () => {
  test('the released count of a Terraform conditional is the number after the ":"', () => {
    expect(releasedCount('${(aws_ssm_parameter.tag.insecure_value == "unreleased") ? 0 : 2}')).toEqual({ count: 2, expression: true });
    expect(releasedCount(3)).toEqual({ count: 3, expression: false });
    expect(releasedCount('4')).toEqual({ count: 4, expression: false });
    expect(releasedCount('${var.count}')).toBeUndefined();
  });

  test('the minimum count comes from the scaling target (min_capacity), not desired_count', () => {
    const e = estimateStack(fixture('per-az'));
    const [web] = lines(e, /^Fargate fixture-web vCPU/);
    expect(web.quantityLabel).toBe('3 tasks × 0.5 vCPU × 730 h');
    expect(web.monthlyUsd).toBeCloseTo(3 * 0.5 * 730 * usEast.fargate.X86_64.vcpuHour.usd, 10);
  });

  test('capacity provider strategies: base first, then weights', () => {
    expect(spotTasks([{ capacity_provider: 'FARGATE_SPOT', weight: 1 }], 3)).toBe(3);
    expect(spotTasks([{ capacity_provider: 'FARGATE', base: 1, weight: 1 }, { capacity_provider: 'FARGATE_SPOT', weight: 3 }], 5)).toBe(3);
    expect(spotTasks([], 2)).toBe(0);
  });
});

describe('switches', () => {
  test('NAT perAz → single lowers the total by exactly (n-1) × (NAT hourly + IPv4 hourly) × 730 (fixture, us-east-1)', () => {
    const json = fixture('per-az');
    const before = estimateStack(json);
    const after = estimateStack(withNatMode(json, 'single', 'us-east-1'));
    const expected = 2 * (usEast.natGatewayHour.usd + usEast.publicIpv4Hour.usd) * 730;
    expect(before.floorUsd - after.floorUsd).toBeCloseTo(expected, 10);
    expect(before.switches.find((s) => s.id === 'nat-single')!.savesUsd).toBeCloseTo(expected, 10);
  });

  test('NAT perAz → single on the shipped prod (3 NATs, eu-west-1)', () => {
    const json = asStack(shipped('prod'));
    const n = Object.keys(json.resource!.aws_nat_gateway).length;
    expect(n).toBe(3);
    const e = estimateStack(json, { production: true });
    const expected = (n - 1) * (euWest.natGatewayHour.usd + euWest.publicIpv4Hour.usd) * 730;
    expect(e.switches.find((s) => s.id === 'nat-single')!.savesUsd).toBeCloseTo(expected, 10);
    const single = withNatMode(json, 'single', 'eu-west-1');
    expect(Object.keys(single.resource!.aws_nat_gateway)).toHaveLength(1);
    expect(Object.keys(single.resource!.aws_eip)).toHaveLength(1);
    expect(estimateStack(single).floorUsd).toBeCloseTo(e.floorUsd - expected, 10);
  });

  test('NAT → none removes NATs and EIPs and adds ecr.api, ecr.dkr, logs, secretsmanager endpoints over the private subnets', () => {
    const json = fixture('per-az');
    const none = withNatMode(json, 'none', 'us-east-1');
    expect(none.resource!.aws_nat_gateway).toBeUndefined();
    expect(none.resource!.aws_eip).toBeUndefined();
    const endpoints = Object.values(none.resource!.aws_vpc_endpoint).filter((e: any) => e.vpc_endpoint_type === 'Interface');
    expect(endpoints.map((e: any) => e.service_name).sort()).toEqual(NAT_FREE_ENDPOINTS.map((s) => `com.amazonaws.us-east-1.${s}`).sort());
    for (const e of endpoints) expect((e as any).subnet_ids).toHaveLength(3);
    const before = estimateStack(json).floorUsd;
    const after = estimateStack(none).floorUsd;
    const expected = 3 * (usEast.natGatewayHour.usd + usEast.publicIpv4Hour.usd) * 730 - 4 * 3 * usEast.interfaceEndpointHour.usd * 730;
    expect(before - after).toBeCloseTo(expected, 10);
  });

  test('Multi-AZ off halves the RDS instance and storage lines', () => {
    const json = fixture('per-az');
    const multi = estimateStack(json);
    const single = estimateStack(withMultiAzOff(json));
    for (const re of [/^RDS postgres/, /^RDS gp3 storage/]) {
      const [m] = lines(multi, re);
      const [s] = lines(single, re);
      expect(s.monthlyUsd).toBeCloseTo(m.monthlyUsd / 2, 10);
    }
    expect(lines(multi, /^RDS postgres/)[0].monthlyUsd).toBeCloseTo(2 * 730 * usEast.rdsInstanceHour.postgres['db.t4g.small'].usd, 10);
    expect(lines(multi, /^RDS gp3 storage/)[0].monthlyUsd).toBeCloseTo(2 * 100 * usEast.rdsGp3GbMonth.usd, 10);
    const sw = multi.switches.find((s) => s.id === 'multi-az-off')!;
    expect(sw.savesUsd).toBeCloseTo(sum(lines(multi, /^RDS (postgres|gp3)/)) / 2, 10);
  });

  test('Multi-AZ off on the shipped prod halves its RDS lines', () => {
    const json = asStack(shipped('prod'));
    const multi = estimateStack(json, { production: true });
    const single = estimateStack(withMultiAzOff(json), { production: true });
    expect(sum(lines(single, /^RDS (postgres|gp3)/))).toBeCloseTo(sum(lines(multi, /^RDS (postgres|gp3)/)) / 2, 10);
  });

  test('Spot vs on-demand Fargate: same hours, Spot prices (x86 and ARM priced separately)', () => {
    const json = fixture('per-az');
    const e = estimateStack(json);
    const [worker] = lines(e, /^Fargate fixture-worker vCPU/);
    expect(worker.item).toBe('Fargate fixture-worker vCPU (Spot, ARM)');
    expect(worker.price).toBe(usEast.fargateSpot.ARM64.vcpuHour);
    const spot = estimateStack(withSpot(json));
    const [web] = lines(spot, /^Fargate fixture-web vCPU/);
    expect(web.item).toBe('Fargate fixture-web vCPU (Spot, x86)');
    expect(web.monthlyUsd).toBeCloseTo(3 * 0.5 * 730 * usEast.fargateSpot.X86_64.vcpuHour.usd, 10);
    const [od] = lines(e, /^Fargate fixture-web vCPU/);
    expect(od.quantity).toBe(web.quantity);
    const expected = 3 * 730 * (0.5 * (usEast.fargate.X86_64.vcpuHour.usd - usEast.fargateSpot.X86_64.vcpuHour.usd)
      + 1 * (usEast.fargate.X86_64.gbHour.usd - usEast.fargateSpot.X86_64.gbHour.usd));
    expect(e.switches.find((s) => s.id === 'spot')!.savesUsd).toBeCloseTo(expected, 10);
  });

  test('production: no Spot and no night-schedule switch', () => {
    const e = estimateStack(fixture('per-az'), { production: true });
    for (const id of ['spot', 'night-schedule'] as const) {
      expect(e.switches.find((s) => s.id === id)).toMatchObject({ applicable: false, detail: expect.stringMatching(/^production/) });
    }
  });
});

describe('what is priced', () => {
  const e = estimateStack(fixture('per-az'));

  test('ALB hourly plus one public IPv4 per subnet; LCUs are an assumption line', () => {
    expect(lines(e, /^ALB public IPv4/)[0].quantityLabel).toBe('3 AZ × 730 h');
    expect(e.assumptionLines.find((l) => l.item === 'ALB LCUs')!.monthlyUsd).toBeCloseTo(730 * usEast.albLcuHour.usd, 10);
  });

  test('RDS: Performance Insights free tier, RDS-managed secret, backup note', () => {
    expect(lines(e, /^RDS Performance Insights/)[0].monthlyUsd).toBe(0);
    expect(lines(e, /^RDS-managed master password secret/)[0].monthlyUsd).toBeCloseTo(0.4, 10);
    expect(lines(e, /^RDS gp3 storage/)[0].notes.join(' ')).toMatch(/backup storage up to the size of the database is free/);
  });

  test('monthly items: secrets, created vs shared zones, KMS, alarms, dashboards, WAF with a paid managed group', () => {
    expect(lines(e, /^Secrets Manager secrets/)[0].quantity).toBe(2);
    expect(lines(e, /^Route 53 hosted zone fixture/)[0].monthlyUsd).toBeCloseTo(0.5, 10);
    expect(lines(e, /looked up/)[0]).toMatchObject({ monthlyUsd: 0, quantityLabel: 'shared, not counted' });
    expect(lines(e, /^KMS/)[0].monthlyUsd).toBe(1);
    expect(lines(e, /^CloudWatch alarms/)[0]).toMatchObject({ quantity: 2 });
    expect(lines(e, /^CloudWatch alarms/)[0].notes.join(' ')).toMatch(/metric-math/);
    expect(lines(e, /^CloudWatch dashboards/)[0].notes.join(' ')).toMatch(/first 3 dashboards per account are free/);
    expect(sum(lines(e, /^WAF/))).toBeCloseTo(5 + 3 + 10, 10);
    expect(e.assumptionLines.map((l) => l.item)).toEqual(expect.arrayContaining(['WAF requests', 'SQS requests']));
  });

  test('unknown resource types are listed as not priced, not a crash', () => {
    expect(e.notPriced).toEqual([{ address: 'aws_opensearch_domain.search', reason: expect.stringMatching(/not priced/) }]);
    expect(formatText(e)).toMatch(/Not priced[\s\S]*aws_opensearch_domain\.search/);
  });

  test('a class the table lacks is reported with where to add it', () => {
    const json = fixture('per-az');
    json.resource!.aws_db_instance.db.instance_class = 'db.r7g.4xlarge';
    const r = estimateStack(json);
    expect(r.notPriced).toContainEqual({ address: 'aws_db_instance.db', reason: expect.stringMatching(/no price for postgres db\.r7g\.4xlarge in us-east-1: add it to src\/ops\/cost\/prices\.ts/) });
  });

  test('an unknown region is reported, never guessed', () => {
    const r = estimateStack(fixture('unknown-region'), { name: 'far' });
    expect(r.error).toBe('no prices for ap-south-2: add them to src/ops/cost/prices.ts');
    expect(r.lines).toEqual([]);
    expect(r.totalUsd).toBe(0);
    expect(formatText(r)).toMatch(/no prices for ap-south-2/);
  });

  test('assumptions: defaults, overrides, subtotal', () => {
    const json = fixture('per-az');
    const more = estimateStack(json, { assumptions: { wafMillionRequests: 50 } });
    expect(more.assumptions).toEqual({ ...DEFAULT_ASSUMPTIONS, wafMillionRequests: 50 });
    expect(more.assumptionsUsd - e.assumptionsUsd).toBeCloseTo(45 * usEast.wafMillionRequests.usd, 10);
    expect(e.totalUsd).toBeCloseTo(e.floorUsd + e.assumptionsUsd, 10);
  });
});

describe('shipped environments', () => {
  test('staging: Spot services, single NAT, Single-AZ, the main lines present; Spot is already on; a night schedule would save', () => {
    const e = estimateStack(asStack(shipped('staging')), { name: 'staging', production: false });
    expect(e.error).toBeUndefined();
    expect(e.region).toBe('eu-west-1');
    expect(lines(e, /^Fargate .* \(Spot, x86\)$/).length).toBeGreaterThanOrEqual(2);
    expect(lines(e, /on-demand/)).toEqual([]);
    expect(lines(e, /^NAT gateway$/)[0].quantityLabel).toBe('1 × 730 h');
    for (const re of [/^Application Load Balancer/, /^RDS postgres/, /^ElastiCache/, /^Secrets Manager secrets/]) expect(lines(e, re)).toHaveLength(1);
    expect(e.switches.find((s) => s.id === 'spot')!.applicable).toBe(false);
    expect(e.switches.find((s) => s.id === 'night-schedule')!.savesUsd).toBeGreaterThan(0);
    expect(e.floorUsd).toBeGreaterThan(0);
    // E-mail: the SES line from the sesThousandEmails assumption ($0.10 per 1,000, SES pricing page); its other types cost nothing.
    const ses = e.assumptionLines.find((l) => l.item === 'SES outbound e-mail')!;
    expect(ses).toMatchObject({ quantity: 10, quantityLabel: '10 × 1,000' });
    expect(ses.monthlyUsd).toBeCloseTo(1.0, 10);
    expect(e.notPriced.filter((n) => n.address.startsWith('aws_sesv2_'))).toEqual([]);
    expect(e.usageDriven.map((u) => u.type)).toContain('aws_sesv2_email_identity');
  });

  describe('staging\'s night schedule (weekdays 07:00-20:00 Europe/Dublin: services to 0, RDS stopped)', () => {
    const awake = (65 * 52) / 12;
    const scheduled = asStack(shipped('staging'));
    const unscheduled = asStack(synthEnv(withConfig(stagingConfig, (c) => { delete c.schedule; })));
    const withSchedule = estimateStack(scheduled, { name: 'staging', production: false });
    const without = estimateStack(unscheduled, { name: 'staging', production: false });
    const hourly = /^(Fargate .* (vCPU|memory) |RDS postgres |Public IPv4 of )/;

    test('the synthesized actions reference the scaling targets (what the estimate has to follow)', () => {
      const actions = Object.values(scheduled.resource!.aws_appautoscaling_scheduled_action);
      expect(actions.length).toBe(2 * Object.keys(scheduled.resource!.aws_ecs_service).length);
      for (const a of actions) expect(a.resource_id).toMatch(/^\$\{aws_appautoscaling_target\.[^.]+\.resource_id\}$/);
      expect(unscheduled.resource!.aws_appautoscaling_scheduled_action).toBeUndefined();
    });

    test('with the schedule, every service\'s Fargate hours are the awake hours (65 h/week), as are RDS\'s', () => {
      const fargate = lines(withSchedule, /^Fargate .* (vCPU|memory) /);
      expect(fargate).toHaveLength(2 * Object.keys(scheduled.resource!.aws_ecs_service).length);
      for (const l of fargate) {
        expect({ item: l.item, label: l.quantityLabel }).toEqual({ item: l.item, label: expect.stringMatching(/ × 281\.67 h$/) });
        expect(l.addresses.filter((a) => a.startsWith('aws_appautoscaling_scheduled_action.'))).toHaveLength(2);
        const [around] = without.lines.filter((o) => o.item === l.item);
        expect(l.quantity).toBeCloseTo((around.quantity * awake) / HOURS_PER_MONTH, 10);
        expect(l.monthlyUsd).toBeCloseTo((around.monthlyUsd * awake) / HOURS_PER_MONTH, 10);
      }
      expect(fargate[0].notes).toContain('up cron(0 7 ? * MON-FRI *) / down cron(0 20 ? * MON-FRI *): 65 h/week (Europe/Dublin)');
      expect(lines(withSchedule, /^RDS postgres/)[0].quantity).toBeCloseTo(awake, 10);
    });

    test('without the schedule, Fargate and RDS run 730 h', () => {
      const fargate = lines(without, /^Fargate .* (vCPU|memory) /);
      expect(fargate.length).toBeGreaterThan(0);
      for (const l of fargate) expect({ item: l.item, label: l.quantityLabel }).toEqual({ item: l.item, label: expect.stringMatching(/ × 730 h$/) });
      expect(lines(without, /^RDS postgres/)[0].quantityLabel).toBe('730 h');
    });

    test('"night schedule (present)" saves the Fargate and RDS hours asleep: the floor without it minus the floor with it', () => {
      const sw = withSchedule.switches.find((s) => s.id === 'night-schedule')!;
      expect(sw.label).toBe('night schedule (present)');
      expect(sw.detail).toMatch(/4 services scale to 0 and RDS stops, 65 h\/week instead of 168/);
      const asleep = sum(lines(without, hourly)) * (1 - awake / HOURS_PER_MONTH);
      expect(sw.savesUsd).toBeCloseTo(asleep, 8);
      // The schedule brings one alarm of its own (its database stop/start failing): the floors differ by the saving less that alarm.
      const alarm = lines(withSchedule, /^CloudWatch alarms/)[0].price!.usd;
      expect(lines(withSchedule, /^CloudWatch alarms/)[0].quantity - lines(without, /^CloudWatch alarms/)[0].quantity).toBe(1);
      expect(sw.savesUsd! - alarm).toBeCloseTo(without.floorUsd - withSchedule.floorUsd, 8);
      const rdsOnly = lines(without, /^RDS postgres/)[0].monthlyUsd * (1 - awake / HOURS_PER_MONTH);
      const fargateOnly = sum(lines(without, /^Fargate /)) * (1 - awake / HOURS_PER_MONTH);
      expect(fargateOnly).toBeGreaterThan(0);
      expect(sw.savesUsd).toBeCloseTo(rdsOnly + fargateOnly, 8);
      // The switch modelled on a stack without a schedule is the same schedule: same saving.
      const would = without.switches.find((s) => s.id === 'night-schedule')!;
      expect(would.label).toBe('night schedule (weekdays 07:00-20:00)');
      expect(would.savesUsd).toBeCloseTo(sw.savesUsd!, 8);
      expect(would.floorAfterUsd).toBeCloseTo(withSchedule.floorUsd - alarm, 8);
    });
  });

  test('prod: on-demand services at their released minimum count, Multi-AZ, no Spot', () => {
    const e = estimateStack(asStack(shipped('prod')), { name: 'prod', production: true });
    expect(e.error).toBeUndefined();
    expect(lines(e, /Spot/)).toEqual([]);
    for (const l of lines(e, /^Fargate .* vCPU/)) expect(l.quantityLabel).toMatch(/^2 tasks × /);
    expect(lines(e, /^RDS postgres/)[0].quantityLabel).toMatch(/× 2 \(Multi-AZ\)/);
    expect(formatMarkdown(e)).toMatch(/\| \*\*fixed floor\*\* \| \| \| \*\*\d+\.\d\d\*\* \|/);
  });
});

describe('command line', () => {
  /** A CostIO over an in-memory file system; synth() returns `synthesizes` (stack name → cdk.tf.json text). */
  function io(files: Record<string, string>, synthesizes: Record<string, string> = {}) {
    const store = new Map(Object.entries(files));
    const out: string[] = [];
    const err: string[] = [];
    let synths = 0;
    const value: CostIO = {
      environments: [{ name: 'staging', production: false }, { name: 'prod', production: true }],
      root: '/repo',
      exists: (f) => store.has(f),
      isDirectory: (f) => [...store.keys()].some((k) => k.startsWith(`${f}/`)),
      readText: (f) => {
        const text = store.get(f);
        if (text === undefined) throw new Error(`ENOENT ${f}`);
        return text;
      },
      writeText: (f, text) => store.set(f, text),
      synth: () => {
        synths++;
        return new Map(Object.entries(synthesizes));
      },
      out: (t) => out.push(t),
      err: (t) => err.push(t),
    };
    return { value, out, err, synths: () => synths, store };
  }
  const perAz = fs.readFileSync(path.join(FIXTURES, 'per-az.json'), 'utf8');
  const staging = JSON.stringify(shipped('staging'));
  const prod = JSON.stringify(shipped('prod'));

  test('text: a one-line total per environment at the end; --svg writes the breakdown as a chart, one bar each by category', () => {
    const t = io({}, { bootstrap: '{}', staging, prod });
    expect(runCost(['--svg', '/out/cost.svg'], t.value)).toBe(0);
    const estimates = [estimateStack(JSON.parse(staging), { name: 'staging', production: false }), estimateStack(JSON.parse(prod), { name: 'prod', production: true })];
    const last = t.out.join('\n').trimEnd().split('\n').slice(-2);
    expect(last).toEqual(estimates.map((e) => `total ${e.name}: ${e.totalUsd.toFixed(2)} USD/month (fixed floor ${e.floorUsd.toFixed(2)} USD + usage assumptions ${e.assumptionsUsd.toFixed(2)} USD)`));
    const svg = t.store.get('/out/cost.svg')!;
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    // Every category's segment, titled with its amount; the segments of an environment add up to its total.
    for (const e of estimates) {
      const parts = byCategory(e);
      const titles = [...svg.matchAll(new RegExp(`<title>${e.name}: ([^<]+) (\\d+\\.\\d\\d) USD/month</title>`, 'g'))].map((m) => [m[1], Number(m[2])]);
      expect(titles).toEqual(CATEGORIES.filter((c) => parts[c] > 0).map((c) => [c, Number(parts[c].toFixed(2))]));
      expect(titles.reduce((sum, [, usd]) => sum + (usd as number), 0)).toBeCloseTo(e.totalUsd, 1);
    }
    // The most expensive environment fills the bar; the other is proportionally shorter.
    const widths = (name: string) => [...svg.matchAll(/<rect x="[\d.]+" y="\d+" width="([\d.]+)" height="24" fill="[^"]+"><title>([^:]+):/g)].filter((m) => m[2] === name).reduce((s, m) => s + Number(m[1]), 0);
    expect(widths('prod') / widths('staging')).toBeCloseTo(estimates[1].totalUsd / estimates[0].totalUsd, 1);
    expect(t.err.join('\n')).toContain('wrote the chart to /out/cost.svg');
  });

  test('cost categories by what a line bills', () => {
    expect(['Fargate webapp-prod-web vCPU (on-demand, x86)', 'RDS gp3 storage (x)', 'NAT gateway', 'ALB public IPv4 (webapp-staging-alb)', 'WAF rules (x)', 'CloudWatch alarms (standard resolution)', 'KMS customer managed keys', 'SES something'].map((item) => costCategory({ item })))
      .toEqual(['Compute', 'Database and cache', 'Network', 'Load balancer', 'Edge and WAF', 'Monitoring', 'Secrets and keys', 'Other']);
  });

  test('--stack <file> --json: machine-readable estimate', () => {
    const t = io({ '/f/per-az.json': perAz });
    expect(runCost(['--stack', '/f/per-az.json', '--json'], t.value)).toBe(0);
    const parsed = JSON.parse(t.out.join(''));
    expect(parsed.stacks[0]).toMatchObject({ name: 'per-az', region: 'us-east-1', production: false });
    expect(parsed.stacks[0].floorUsd).toBeCloseTo(estimateStack(JSON.parse(perAz)).floorUsd, 10);
  });

  test('a stack folder, --assume and --assumptions (the flag wins over the file)', () => {
    const t = io({ '/f/x/cdk.tf.json': perAz, '/a.json': JSON.stringify({ sqsMillionRequests: 10, wafMillionRequests: 1 }) });
    expect(runCost(['--stack', '/f/x', '--assumptions', '/a.json', '--assume', 'wafMillionRequests=2', '--json'], t.value)).toBe(0);
    const s = JSON.parse(t.out.join('')).stacks[0];
    expect(s.name).toBe('x');
    expect(s.assumptions).toMatchObject({ sqsMillionRequests: 10, wafMillionRequests: 2 });
  });

  test('environments from the config are synthesized first; --markdown', () => {
    const t = io({}, { bootstrap: '{}', staging, prod });
    expect(runCost(['--markdown'], t.value)).toBe(0);
    expect(t.synths()).toBe(1);
    expect(t.err.join('\n')).toMatch(/synthesizing staging, prod from the current configuration \(in-process/);
    const text = t.out.join('\n');
    expect(text).toMatch(/### staging \(eu-west-1, non-production\)/);
    expect(text).toMatch(/### prod \(eu-west-1, production\)/);
    expect(text).toMatch(/\| NAT perAz → single \| saves \d+\.\d\d \|/);
  });

  test('an existing (possibly stale) cdktf.out is not priced: the synth of the current configuration is', () => {
    const stale = '/repo/cdktf.out/stacks/staging/cdk.tf.json';
    const t = io({ [stale]: perAz, '/repo/cdktf.out/stacks/prod/cdk.tf.json': perAz }, { staging, prod });
    const read = jest.spyOn(t.value, 'readText');
    expect(runCost(['--env', 'staging', '--json'], t.value)).toBe(0);
    expect(t.synths()).toBe(1);
    expect(read).not.toHaveBeenCalled();
    const [s] = JSON.parse(t.out.join('')).stacks;
    expect(s).toMatchObject({ name: 'staging', region: 'eu-west-1', production: false });
    expect(s.floorUsd).toBeCloseTo(estimateStack(JSON.parse(staging), { production: false }).floorUsd, 10);
  });

  test('a synth without the stack of an environment is an input error', () => {
    const t = io({}, { prod });
    expect(runCost(['--env', 'staging'], t.value)).toBe(2);
    expect(t.err.join('\n')).toMatch(/the synth produced no stack staging/);
  });

  test('--no-synth prices cdktf.out as it is (and says it may be stale), fails on a missing stack; --env filters', () => {
    const t = io({ '/repo/cdktf.out/stacks/prod/cdk.tf.json': prod });
    expect(runCost(['--no-synth'], t.value)).toBe(2);
    expect(t.err.join('\n')).toMatch(/no synthesized stack at .*staging/);
    const u = io({ '/repo/cdktf.out/stacks/prod/cdk.tf.json': prod }, { prod: perAz });
    expect(runCost(['--env', 'prod', '--no-synth'], u.value)).toBe(0);
    expect(u.synths()).toBe(0);
    expect(u.err.join('\n')).toMatch(/pricing \/repo\/cdktf\.out\/stacks\/prod\/cdk\.tf\.json as synthesized earlier \(not re-synthesized: may not match the current configuration\)/);
    expect(u.out.join('\n')).toMatch(/== prod \(eu-west-1, production\)/);
    expect(u.out.join('\n')).toMatch(/infracost breakdown --path cdktf\.out\/stacks\/<env>/);
  });

  test('--outdir <dir> (as in every command; --cdktf-out, its earlier name, too) prices <dir>/stacks/<env> without a synth (relative to the project root)', () => {
    const t = io({ '/ci/out/stacks/staging/cdk.tf.json': perAz }, { staging });
    expect(runCost(['--outdir', '/ci/out', '--env', 'staging', '--json'], t.value)).toBe(0);
    expect(t.synths()).toBe(0);
    const [s] = JSON.parse(t.out.join('')).stacks;
    expect(s).toMatchObject({ name: 'staging', region: 'us-east-1', production: false });
    const u = io({ '/repo/old/stacks/prod/cdk.tf.json': prod });
    expect(runCost(['--cdktf-out', 'old', '--env', 'prod'], u.value)).toBe(0);
    expect(u.synths()).toBe(0);
    const v = io({});
    expect(runCost(['--cdktf-out', '/nowhere', '--env', 'prod'], v.value)).toBe(2);
    expect(v.err.join('\n')).toMatch(/no synthesized stack at \/nowhere\/stacks\/prod\/cdk\.tf\.json/);
  });

  test('--stack never synthesizes', () => {
    const t = io({ '/f/per-az.json': perAz }, { staging });
    expect(runCost(['--stack', '/f/per-az.json'], t.value)).toBe(0);
    expect(t.synths()).toBe(0);
  });

  test('an unpriced region exits 1 and says so', () => {
    const t = io({ '/f/unknown-region.json': fs.readFileSync(path.join(FIXTURES, 'unknown-region.json'), 'utf8') });
    expect(runCost(['--stack', '/f/unknown-region.json'], t.value)).toBe(1);
    expect(t.err.join('\n')).toMatch(/no prices for ap-south-2: add them to src\/ops\/cost\/prices\.ts/);
  });

  test('usage errors exit 2', () => {
    for (const argv of [['--assume', 'nope=1'], ['--assume', 'logsIngestedGb=-3'], ['--json', '--markdown'], ['--env', 'qa'], ['--bogus'],
      ['--outdir', 'x', '--stack', 'y'], ['--outdir', ''], ['--outdir', 'a', '--cdktf-out', 'b']]) {
      const t = io({ '/repo/cdktf.out/stacks/staging/cdk.tf.json': staging, '/repo/cdktf.out/stacks/prod/cdk.tf.json': prod });
      expect(runCost(argv, t.value)).toBe(2);
      expect(t.err.join('\n')).toMatch(/^cost: /);
    }
    expect(parseCostArgs(['-h']).help).toBe(true);
    expect(parseCostArgs(['--outdir', 'o', '--cdktf-out', 'o']).cdktfOut).toBe('o');
  });

  test('an unknown environment: did you mean', () => {
    const t = io({});
    expect(runCost(['--env', 'stagin'], t.value)).toBe(2);
    expect(t.err).toEqual(['cost: no environment "stagin": did you mean "staging"? (src/config/environments.ts has staging, prod)']);
  });
});

describe('npm run cost on the real file system (src/ops/cost/node-io.ts)', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-test-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  function run(argv: string[], envs = environments) {
    const out: string[] = [];
    const err: string[] = [];
    const code = runCost(argv, nodeCostIO({ root, environments: envs, out: (t) => out.push(t), err: (t) => err.push(t) }));
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  test('the in-process synth gives each stack of the app as cdk.tf.json text (even under SYNTH_HCL_OUTPUT), as the test synth does, and leaves no folder', () => {
    // SYNTH_HCL_OUTPUT=true (HCL instead of JSON) is set aside for the synth, then restored.
    process.env.SYNTH_HCL_OUTPUT = 'true';
    let stacks: Map<string, string>;
    try {
      stacks = synthesizeStacks(environments, root);
      expect(process.env.SYNTH_HCL_OUTPUT).toBe('true');
    } finally {
      delete process.env.SYNTH_HCL_OUTPUT;
    }
    expect(fs.readdirSync(root)).toEqual([]);
    expect([...stacks.keys()].sort()).toEqual(expect.arrayContaining(['prod', 'staging']));
    for (const env of ['staging', 'prod'] as const) {
      const json = JSON.parse(stacks.get(env)!);
      expect(Object.keys(json.resource).sort()).toEqual(Object.keys(shipped(env).resource).sort());
      expect(estimateStack(json, { production: env === 'prod' }).floorUsd).toBeCloseTo(estimateStack(asStack(shipped(env)), { production: env === 'prod' }).floorUsd, 8);
    }
  });

  test('a stale cdktf.out (an older config without the night schedule) is ignored by default and priced with --no-synth', () => {
    const old = synthEnv(withConfig(stagingConfig, (c) => { delete c.schedule; }));
    fs.mkdirSync(path.join(root, 'cdktf.out', 'stacks', 'staging'), { recursive: true });
    fs.writeFileSync(path.join(root, 'cdktf.out', 'stacks', 'staging', 'cdk.tf.json'), JSON.stringify(old));
    const current = estimateStack(asStack(shipped('staging')), { production: false });
    const stale = estimateStack(asStack(old), { production: false });
    expect(stale.floorUsd).toBeGreaterThan(current.floorUsd);

    const fresh = run(['--env', 'staging', '--json']);
    expect(fresh.code).toBe(0);
    const [s] = JSON.parse(fresh.out).stacks;
    expect(s.floorUsd).toBeCloseTo(current.floorUsd, 8);
    expect(s.switches.find((w: { id: string }) => w.id === 'night-schedule').label).toBe('night schedule (present)');
    // Nothing written to the project's cdktf.out.
    expect(fs.readdirSync(path.join(root, 'cdktf.out', 'stacks'))).toEqual(['staging']);

    const kept = run(['--env', 'staging', '--json', '--no-synth']);
    expect(kept.code).toBe(0);
    expect(JSON.parse(kept.out).stacks[0].floorUsd).toBeCloseTo(stale.floorUsd, 8);
    expect(kept.err).toMatch(/as synthesized earlier/);
  });

  test('the configuration given is the one synthesized (staging without its schedule: 730 h)', () => {
    const envs = [withConfig(stagingConfig, (c) => { delete c.schedule; }), prodConfig];
    const r = run(['--env', 'staging'], envs);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Fargate webapp-staging-web vCPU \(Spot, x86\)\s+1 task × 0\.25 vCPU × 730 h/);
    expect(r.out).toMatch(/night schedule \(weekdays 07:00-20:00\)\s+saves \d+\.\d\d/);
  });
});

describe('the night schedule as a week strip (docs/cost.md)', () => {
  test('one row a day from Monday, an hour a cell: awake 07:00-20:00 on weekdays, asleep at the weekend', () => {
    const strip = weekStrip({ up: 'cron(0 7 ? * MON-FRI *)', down: 'cron(0 20 ? * MON-FRI *)', timezone: 'Europe/Dublin' }, 'staging').split('\n');
    expect(strip[0]).toBe('staging, Europe/Dublin: awake 65 h of 168 a week');
    expect(strip.slice(2)).toEqual([
      ...['Mon', 'Tue', 'Wed', 'Thu', 'Fri'].map((d) => `${d}  ${'·'.repeat(7)}${'█'.repeat(13)}${'·'.repeat(4)}`),
      `Sat  ${'·'.repeat(24)}`, `Sun  ${'·'.repeat(24)}`,
    ]);
    // Around the clock but for Sunday: the state carries over midnight.
    const sunday = weekStrip({ up: 'cron(0 0 ? * MON *)', down: 'cron(0 0 ? * SUN *)', timezone: 'UTC' }, 'x').split('\n');
    expect([sunday[2], sunday[8]]).toEqual([`Mon  ${'█'.repeat(24)}`, `Sun  ${'·'.repeat(24)}`]);
  });

  test('docs/cost.md shows the shipped staging\'s week as the config draws it (npm run docs)', () => {
    const page = fs.readFileSync(path.join(__dirname, '..', 'docs', 'cost.md'), 'utf8');
    expect(/<!-- week:start -->\n([\s\S]*?)\n<!-- week:end -->/.exec(page)?.[1]).toBe(shippedWeekStrip());
  });
});
