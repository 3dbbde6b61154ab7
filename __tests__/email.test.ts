import { prod, staging } from '../src/config/environments';
import { defineEnvironment } from '../src/config/defaults';
import { environmentProblems, validateEnvironments } from '../src/config/validate';
import { workloadBoundaryStatements } from '../src/delivery/boundary';
import { expectRejected } from './helpers/config';
import { onlyResource, policyOf, resourcesOf, shipped, synthEnv, TfJson, withConfig, withoutEmail } from './helpers/synth';

/**
 * E-mail through Amazon SES (the `email` section). The emulator stores identities and
 * configuration sets (shim 19) but sends nothing, publishes no SES event, no reputation metric, and
 * enforces no IAM, KMS or topic policy: what those allow, and the DNS that makes receivers accept
 * the mail, are asserted here on the synthesized JSON, each against the AWS page that says so.
 */
const ref = (type: string, json: TfJson, match: RegExp = /./) => `\${${type}.${resourcesOf(json, type).find(([n]) => match.test(n))![0]}`;

describe.each([['staging', staging], ['prod', prod]] as const)('%s: e-mail through SES', (name, env) => {
  const json = shipped(name);
  const identity = onlyResource(json, 'aws_sesv2_email_identity');
  const set = onlyResource(json, 'aws_sesv2_configuration_set');
  const records = resourcesOf(json, 'aws_route53_record').map(([, r]) => r).filter((r) => !r.alias && !r.for_each);
  const domain = env.domain.name;

  test('a domain identity with Easy DKIM (2048-bit), sending through its configuration set by default', () => {
    expect(identity).toEqual(expect.objectContaining({
      email_identity: domain,
      configuration_set_name: `\${aws_sesv2_configuration_set.${resourcesOf(json, 'aws_sesv2_configuration_set')[0][0]}.configuration_set_name}`,
      dkim_signing_attributes: { next_signing_key_length: 'RSA_2048_BIT' },
    }));
  });

  test('DNS: the three Easy DKIM CNAMEs, MAIL FROM (MX to SES feedback, SPF), DMARC (policy none, reports)', () => {
    // SES developer guide, "Easy DKIM": three CNAMEs <token>._domainkey.<domain> -> <token>.dkim.amazonses.com.
    const dkim = records.filter((r) => r.type === 'CNAME');
    expect(dkim).toHaveLength(3);
    dkim.forEach((r, i) => {
      const token = `\${element(aws_sesv2_email_identity.${resourcesOf(json, 'aws_sesv2_email_identity')[0][0]}.dkim_signing_attributes[0].tokens, ${i})}`;
      expect(r).toMatchObject({ name: `${token}._domainkey.${domain}`, records: [`${token}.dkim.amazonses.com`], ttl: 1800 });
    });
    // SES developer guide, "Using a custom MAIL FROM domain": MX 10 feedback-smtp.<region>.amazonses.com, SPF include:amazonses.com.
    expect(records.filter((r) => r.name === `bounce.${domain}`).map((r) => [r.type, r.records])).toEqual([
      ['MX', [`10 feedback-smtp.${env.region}.amazonses.com`]],
      ['TXT', ['v=spf1 include:amazonses.com ~all']],
    ]);
    expect(onlyResource(json, 'aws_sesv2_email_identity_mail_from_attributes')).toMatchObject({ mail_from_domain: `bounce.${domain}`, behavior_on_mx_failure: 'USE_DEFAULT_VALUE' });
    expect(records.find((r) => r.name === `_dmarc.${domain}`)).toMatchObject({ type: 'TXT', records: ['v=DMARC1; p=none; rua=mailto:dmarc-reports@example.com'] });
  });

  test('the configuration set requires TLS to receivers, suppresses bounces and complaints, publishes reputation metrics; the account suppresses both too', () => {
    expect(set).toMatchObject({
      configuration_set_name: `webapp-${name}-email`,
      delivery_options: { tls_policy: 'REQUIRE' },
      reputation_options: { reputation_metrics_enabled: true },
      sending_options: { sending_enabled: true },
      suppression_options: { suppressed_reasons: ['BOUNCE', 'COMPLAINT'] },
    });
    expect(onlyResource(json, 'aws_sesv2_account_suppression_attributes')).toEqual({ suppressed_reasons: ['BOUNCE', 'COMPLAINT'] });
  });

  test('bounces, complaints and rejects go to an encrypted topic delivered raw to the feedback queue', () => {
    const destination = onlyResource(json, 'aws_sesv2_configuration_set_event_destination');
    const topicRef = `${ref('aws_sns_topic', json, /^email_events/)}.arn}`;
    expect(destination).toMatchObject({ event_destination_name: 'feedback', event_destination: { enabled: true, matching_event_types: ['BOUNCE', 'COMPLAINT', 'REJECT'], sns_destination: { topic_arn: topicRef } } });
    const topic = resourcesOf(json, 'aws_sns_topic').find(([n]) => /^email_events/.test(n))![1];
    expect(topic).toMatchObject({ name: `webapp-${name}-email-events`, kms_master_key_id: `${ref('aws_kms_key', json, /^email_key/)}.arn}` });
    const subscription = resourcesOf(json, 'aws_sns_topic_subscription').find(([n]) => /^email_events-to-feedback/.test(n))![1];
    expect(subscription).toEqual({ topic_arn: topicRef, protocol: 'sqs', endpoint: `${ref('aws_sqs_queue', json, /^queue-email-feedback_queue/)}.arn}`, raw_message_delivery: true });
    const queue = resourcesOf(json, 'aws_sqs_queue').find(([, q]) => q.name === `webapp-${name}-email-feedback`)![1];
    expect(queue).toMatchObject({ message_retention_seconds: 14 * 86400, sqs_managed_sse_enabled: true });
    const queuePolicy = policyOf(resourcesOf(json, 'aws_sqs_queue_policy').find(([n]) => /^queue-email-feedback/.test(n))![1].policy).Statement;
    expect(queuePolicy[0]).toMatchObject({ Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': [topicRef] } } });
  });

  test('the topic and its key admit SES for this configuration set of this account only (confused deputy), never without TLS', () => {
    // SNS developer guide, "Key management" (event sources from AWS services and encrypted topics):
    // the service principal needs kms:GenerateDataKey* and kms:Decrypt in the key policy, narrowed
    // with aws:SourceAccount / aws:SourceArn (only EventBridge does not support them). SES developer
    // guide, "Set up an Amazon SNS event destination": the topic policy admits ses.amazonaws.com.
    const fromSes = { StringEquals: { 'aws:SourceAccount': env.accountId }, ArnLike: { 'aws:SourceArn': `arn:aws:ses:${env.region}:${env.accountId}:configuration-set/webapp-${name}-email` } };
    const key = resourcesOf(json, 'aws_kms_key').find(([n]) => /^email_key/.test(n))![1];
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: env.production ? 30 : 7 });
    expect(policyOf(key.policy).Statement).toEqual([
      expect.objectContaining({ Sid: 'AccountAdministers', Principal: { AWS: `arn:aws:iam::${env.accountId}:root` } }),
      { Sid: 'SesOfThisConfigurationSetPublishes', Effect: 'Allow', Principal: { Service: 'ses.amazonaws.com' }, Action: ['kms:GenerateDataKey*', 'kms:Decrypt'], Resource: '*', Condition: fromSes },
    ]);
    const topicPolicy = policyOf(resourcesOf(json, 'aws_sns_topic_policy').find(([n]) => /^email_events-policy/.test(n))![1].policy).Statement;
    expect(topicPolicy).toEqual([
      expect.objectContaining({ Principal: { Service: 'ses.amazonaws.com' }, Action: 'sns:Publish', Condition: fromSes }),
      expect.objectContaining({ Effect: 'Deny', Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]);
  });

  test('only the processes in email.sentBy may send: through this identity and configuration set, from the configured addresses', () => {
    // SES developer guide, "Controlling access to Amazon SES": ses:FromAddress; SendEmail authorizes the identity and the configuration set.
    const statement = {
      Sid: 'SendEmailFromTheIdentity', Effect: 'Allow', Action: 'ses:SendEmail',
      Resource: [`${ref('aws_sesv2_email_identity', json)}.arn}`, `${ref('aws_sesv2_configuration_set', json)}.arn}`],
      Condition: { StringEquals: { 'ses:FromAddress': [`no-reply@${domain}`] } },
    };
    const sending = resourcesOf(json, 'aws_iam_role_policy').filter(([, p]) => policyOf(p.policy).Statement.some((s: any) => [s.Action].flat().some((a: string) => a.startsWith('ses:'))));
    expect(sending.map(([n]) => n.split('_')[0])).toEqual(['worker-mailer']);
    expect(policyOf(sending[0][1].policy).Statement).toContainEqual(statement);
    // The workload boundary allows exactly that identity and configuration set.
    expect(workloadBoundaryStatements(env)).toContainEqual({ Sid: 'SendEmailThroughTheEnvironmentsIdentity', Effect: 'Allow', Action: 'ses:SendEmail', Resource: [`arn:aws:ses:${env.region}:${env.accountId}:identity/${domain}`, `arn:aws:ses:${env.region}:${env.accountId}:configuration-set/webapp-${name}-email`] });
  });

  test('every container learns the sender, the configuration set and the region; the mailer consumes the feedback queue', () => {
    for (const [, td] of resourcesOf(json, 'aws_ecs_task_definition').filter(([n]) => !/database-admin/.test(n))) {
      const vars = Object.fromEntries(JSON.parse(td.container_definitions)[0].environment.map((e: any) => [e.name, e.value]));
      expect(vars).toMatchObject({ EMAIL_FROM: `no-reply@${domain}`, EMAIL_CONFIGURATION_SET: `${ref('aws_sesv2_configuration_set', json)}.configuration_set_name}`, EMAIL_REGION: env.region });
    }
    const mailer = JSON.parse(resourcesOf(json, 'aws_ecs_task_definition').find(([n]) => /^worker-mailer/.test(n))![1].container_definitions)[0];
    expect(mailer.environment.map((e: any) => e.name)).toContain('QUEUE_URL_EMAIL_FEEDBACK');
  });

  test('reputation alarms below the levels at which AWS reviews (warning) and may pause (critical) sending: in production, the account\'s owner', () => {
    // SES developer guide, "Amazon SES sending review process FAQs": review at 5% bounces / 0.1% complaints, pause at 10% / 0.5%.
    const alarms = Object.fromEntries(resourcesOf(json, 'aws_cloudwatch_metric_alarm').filter(([, a]) => a.namespace === 'AWS/SES').map(([, a]) => [a.alarm_name, a]));
    // The rates are the account's: staging shares prod's account and region, so only prod alarms on them.
    expect(env.email!.alarms.account).toBe(env.production);
    if (!env.production) {
      expect(alarms).toEqual({});
      return;
    }
    const critical = `\${aws_sns_topic.${resourcesOf(json, 'aws_sns_topic').find(([, t]) => t.name === `webapp-${name}-alerts-critical`)![0]}.arn}`;
    const warning = `\${aws_sns_topic.${resourcesOf(json, 'aws_sns_topic').find(([, t]) => t.name === `webapp-${name}-alerts-warning`)![0]}.arn}`;
    const expected = [
      ['bounce', 'warning', 'Reputation.BounceRate', 0.04],
      ['bounce', 'critical', 'Reputation.BounceRate', 0.08],
      ['complaint', 'warning', 'Reputation.ComplaintRate', 0.0008],
      ['complaint', 'critical', 'Reputation.ComplaintRate', 0.004],
    ] as const;
    expect(Object.keys(alarms).sort()).toEqual(expected.map(([w, l]) => `webapp-${name}-email-${w}-rate-${l}`).sort());
    for (const [what, level, metric, threshold] of expected) {
      const alarm = alarms[`webapp-${name}-email-${what}-rate-${level}`];
      expect(alarm).toMatchObject({ metric_name: metric, statistic: 'Maximum', period: 3600, threshold, comparison_operator: 'GreaterThanThreshold', treat_missing_data: 'notBreaching' });
      expect(alarm.alarm_actions).toEqual([level === 'critical' ? critical : warning]);
    }
  });
});

describe('email configuration', () => {
  test('defaults: from no-reply@ the domain, sent by web, MAIL FROM bounce., DMARC none; no section, no SES resource', () => {
    const minimal = defineEnvironment({
      project: 'webapp', region: 'eu-west-1', accountId: '123456789012', name: 'dev', production: false,
      domain: { name: 'dev.example.com', dns: { zoneMode: 'lookup', zoneName: 'example.com', exportRecords: false } },
      network: { cidr: '10.30.0.0/16' },
      email: {},
      compute: { workers: [{ name: 'mailer', command: ['python', 'manage.py', 'consume_queue', 'email-feedback'], queues: ['email-feedback'] }] },
    });
    expect(minimal.email).toEqual({
      domain: 'dev.example.com', from: ['no-reply@dev.example.com'], sentBy: ['web'], mailFromSubdomain: 'bounce', dmarc: { policy: 'none', publish: true }, adopt: false,
      alarms: { account: false, bounceRate: { warning: 0.04, critical: 0.08 }, complaintRate: { warning: 0.0008, critical: 0.004 } },
    });
    expect(environmentProblems(minimal)).toEqual([]);
    const none = synthEnv(withConfig(staging, withoutEmail));
    expect(Object.keys(none.resource).filter((t) => t.startsWith('aws_sesv2_'))).toEqual([]);
    expect(resourcesOf(none, 'aws_sqs_queue').map(([, q]) => q.name)).not.toContain('webapp-staging-email-feedback');
  });

  test('a sending subdomain: identity, records and addresses there', () => {
    const json = synthEnv(withConfig(staging, (c) => ((c.email!.domain = 'mail.staging.example.com'), (c.email!.from = ['hello@mail.staging.example.com']))));
    expect(onlyResource(json, 'aws_sesv2_email_identity').email_identity).toBe('mail.staging.example.com');
    const names = resourcesOf(json, 'aws_route53_record').map(([, r]) => r.name);
    expect(names).toEqual(expect.arrayContaining(['bounce.mail.staging.example.com', '_dmarc.mail.staging.example.com']));
  });

  test('an identity that exists already (email.adopt): imported with its DKIM keys, its records taken over; a DMARC record of the domain\'s own is kept', () => {
    const json = synthEnv(withConfig(staging, (c) => ((c.email!.adopt = true), (c.email!.dmarc = { policy: 'none', publish: false }))));
    const [name] = resourcesOf(json, 'aws_sesv2_email_identity')[0];
    expect((json as any).import).toContainEqual({ to: `aws_sesv2_email_identity.${name}`, id: 'staging.example.com' });
    const records = resourcesOf(json, 'aws_route53_record').map(([, r]) => r).filter((r) => !r.alias && !r.for_each);
    expect(records.filter((r) => r.type === 'CNAME' || r.name === 'bounce.staging.example.com').every((r) => r.allow_overwrite === true)).toBe(true);
    expect(records.filter((r) => r.type === 'CNAME' || r.name === 'bounce.staging.example.com')).toHaveLength(5);
    expect(records.find((r) => r.name === '_dmarc.staging.example.com')).toBeUndefined();
    // A new identity never overwrites a record someone else made.
    expect(resourcesOf(shipped('staging'), 'aws_route53_record').some(([, r]) => r.allow_overwrite && !r.for_each)).toBe(false);
  });

  test('external DNS: the records become outputs to create at the DNS provider', () => {
    const json = synthEnv(withConfig(prod, (c) => (c.domain.dns = { zoneMode: 'external', exportRecords: true })));
    expect(resourcesOf(json, 'aws_route53_record')).toEqual([]);
    expect(json.output!.dns_record_email_mail_from.value).toEqual([
      { name: 'bounce.example.com', type: 'MX', value: '10 feedback-smtp.eu-west-1.amazonses.com' },
      { name: 'bounce.example.com', type: 'TXT', value: 'v=spf1 include:amazonses.com ~all' },
    ]);
    expect(json.output!.dns_record_email_dkim.value).toHaveLength(3);
    expect(json.output!.dns_record_email_dmarc.value).toEqual([{ name: '_dmarc.example.com', type: 'TXT', value: 'v=DMARC1; p=none; rua=mailto:dmarc-reports@example.com' }]);
  });

  const set = (change: (e: NonNullable<typeof staging.email>) => void) => withConfig(staging, (c) => change(c.email!));
  test.each([
    ['an invalid sender address', set((e) => (e.from = ['not-an-address'])), 'email.from[0]', /not an e-mail address/],
    ['a sender outside the identity\'s domain', set((e) => (e.from = ['no-reply@elsewhere.com'])), 'email.from[0]', /outside the identity's domain "staging\.example\.com"/],
    ['no sender', set((e) => (e.from = [])), 'email.from', /is empty/],
    ['a sending domain outside the environment\'s', set((e) => (e.domain = 'example.org')), 'email.domain', /outside the environment's domain/],
    ['a DMARC policy SES receivers do not know', set((e) => ((e.dmarc as any).policy = 'block')), 'email.dmarc.policy', /use one of "none", "quarantine", "reject"/],
    ['a DMARC report address that is none', set((e) => (e.dmarc.reportTo = 'reports')), 'email.dmarc.reportTo', /not an e-mail address/],
    ['a DMARC report address that rewrites the record', set((e) => (e.dmarc.reportTo = 'a@b.com;p=reject')), 'email.dmarc.reportTo', /not an e-mail address/],
    ['a DMARC record over one DNS string', set((e) => (e.dmarc.reportTo = `${'r'.repeat(230)}@example.com`)), 'email.dmarc.reportTo', /more than the 255 of one DNS string/],
    ['a report address for a record not published', set((e) => (e.dmarc = { policy: 'none', publish: false, reportTo: 'dmarc@example.com' })), 'email.dmarc.reportTo', /publish is false/],
    ['a sender in capitals (ses:FromAddress is case-sensitive)', set((e) => (e.from = ['No-Reply@staging.example.com'])), 'email.from[0]', /write it in lowercase \("no-reply@staging\.example\.com"\)/],
    ['a region where SES signs under a regional DKIM domain', withConfig(staging, (c) => (c.region = 'af-south-1')), 'email', /where this stack cannot publish SES's Easy DKIM records/],
    ['a MAIL FROM label with a dot', set((e) => (e.mailFromSubdomain = 'mail.from')), 'email.mailFromSubdomain', /one DNS label/],
    ['an unknown sending process', set((e) => (e.sentBy = ['newsletter'])), 'email.sentBy[0]', /not a process of this environment/],
    ['a warning at the review level', set((e) => (e.alarms.bounceRate.warning = 0.05)), 'email.alarms.bounceRate.warning', /below 0\.05 \(5%, where AWS puts the account under review\)/],
    ['a critical threshold at the pause level', set((e) => (e.alarms.complaintRate.critical = 0.005)), 'email.alarms.complaintRate.critical', /below 0\.005 \(0\.5%, where AWS may pause sending\)/],
    ['a critical threshold below the warning', set((e) => (e.alarms.bounceRate.critical = 0.01)), 'email.alarms.bounceRate.critical', /above the warning/],
    ['external DNS without exported records', withConfig(staging, (c) => (c.domain.dns = { zoneMode: 'external', exportRecords: false })), 'email', /domain\.dns\.exportRecords/],
    ['no NAT (the SES API has no VPC endpoint)', withConfig(staging, (c) => (c.network.natMode = 'none')), 'email', /no VPC interface endpoint/],
    ['nobody consuming the feedback', withConfig(staging, (c) => (c.compute.workers.forEach((w) => (w.queues = w.queues.filter((q) => q !== 'email-feedback'))))), 'email', /consumed by no worker: list "email-feedback"/],
    ['a queue of its own named like the feedback queue', withConfig(staging, (c) => c.compute.queues.push({ ...c.compute.queues[0], name: 'email-feedback' })), 'compute.queues', /the queue the email section creates/],
  ])('synth rejects %s with the field and the fix', (_label, config, field, fix) => expectRejected(config, field, fix));

  test('two environments of one account and region alarming on its reputation are refused (every breach twice)', () => {
    const twice = withConfig(staging, (c) => (c.email!.alarms.account = true));
    expect(() => validateEnvironments([twice, prod])).toThrow(/environment "prod": email\.alarms\.account is true, as in environment "staging" of the same account and region/);
  });

  test('the same identity in two environments of one account and region is refused (one identity per domain)', () => {
    // prod (example.com) sending from staging's subdomain: both would manage one SES identity.
    const other = withConfig(prod, (c) => ((c.email!.domain = 'staging.example.com'), (c.email!.from = ['no-reply@staging.example.com'])));
    const problems = (() => {
      try {
        validateEnvironments([staging, other]);
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(problems).toMatch(/environment "prod": email\.domain is "staging\.example\.com", the SES domain identity of environment "staging" in the same account and region/);
  });
});
