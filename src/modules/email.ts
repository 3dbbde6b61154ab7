import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Sesv2AccountSuppressionAttributes } from '@cdktf/provider-aws/lib/sesv2-account-suppression-attributes';
import { Sesv2ConfigurationSet } from '@cdktf/provider-aws/lib/sesv2-configuration-set';
import { Sesv2ConfigurationSetEventDestination } from '@cdktf/provider-aws/lib/sesv2-configuration-set-event-destination';
import { Sesv2EmailIdentity } from '@cdktf/provider-aws/lib/sesv2-email-identity';
import { Sesv2EmailIdentityMailFromAttributes } from '@cdktf/provider-aws/lib/sesv2-email-identity-mail-from-attributes';
import { emailResourceNames } from '../config/names';
import { SES_EASY_DKIM_DOMAIN } from '../config/regions';
import { EmailConfig } from '../config/types';
import { dmarcRecord } from '../config/validate-email';
import { PolicyStatement, policyDocument } from '../lib/iam';
import { arn } from '../lib/naming';
import { DnsModule } from './dns';
import { QueueModule } from './queue';

export interface EmailModuleProps {
  /** `<project>-<env>`: names the configuration set and the feedback topic (emailResourceNames). */
  readonly namePrefix: string;
  readonly region: string;
  readonly accountId: string;
  readonly email: EmailConfig;
  readonly dns: DnsModule;
  /** The feedback queue (created by the workloads layer with the app's queues, so workers consume it like theirs). */
  readonly feedbackQueue: QueueModule;
  /** Keep the key 30 days after deletion in production, 7 otherwise. */
  readonly production: boolean;
}

/** What SES publishes to the feedback topic: what makes an address one not to send to again. */
export const FEEDBACK_EVENTS = ['BOUNCE', 'COMPLAINT', 'REJECT'] as const;
/** Easy DKIM always publishes three selectors (SES developer guide, "Easy DKIM in Amazon SES"). */
const DKIM_TOKENS = 3;

/**
 * The variables of every container when e-mail is configured (the app contract): the sender, the
 * configuration set every message goes through, and the SES region. Not secrets.
 */
export const EMAIL_VARIABLES = { from: 'EMAIL_FROM', configurationSet: 'EMAIL_CONFIGURATION_SET', region: 'EMAIL_REGION' } as const;

/**
 * E-mail the app sends through Amazon SES (API v2), in the environment's region:
 * - a domain identity with Easy DKIM (2048-bit keys; the three CNAMEs in the zone, or outputs in
 *   external DNS mode), a custom MAIL FROM domain (MX to SES's feedback endpoint and SPF, so SPF
 *   aligns for DMARC) and a DMARC record (`email.dmarc`);
 * - one configuration set, the identity's default, so every message goes through it whatever the
 *   app passes: TLS required to the receiving server, reputation metrics on, bounces and complaints
 *   suppressed; the account's suppression list takes both too (AWS account-level: every
 *   environment of the account and region sets the same value);
 * - bounces, complaints and rejects published to an SNS topic and delivered raw (the SES event
 *   JSON as the message body) to the feedback queue the app consumes to stop mailing those
 *   addresses. The topic is encrypted with a rotated key of its own; the key policy and the topic
 *   policy admit ses.amazonaws.com for this configuration set of this account only (SNS developer
 *   guide, "Key management": publishers from AWS services need kms:GenerateDataKey* and
 *   kms:Decrypt in the key policy, with aws:SourceAccount/aws:SourceArn as the confused-deputy
 *   guard; SES developer guide, "Set up an Amazon SNS event destination for event publishing").
 *   The emulator enforces neither policy: the unit tests pin both.
 * - sendStatements: ses:SendEmail on this identity and configuration set only, from the configured
 *   addresses only (`ses:FromAddress`; SES developer guide, "Controlling access to Amazon SES").
 */
export class EmailModule extends Construct {
  readonly identity: Sesv2EmailIdentity;
  readonly configurationSet: Sesv2ConfigurationSet;
  readonly topic: SnsTopic;
  readonly key: KmsKey;
  readonly mailFromDomain: string;
  private readonly props: EmailModuleProps;

  constructor(scope: Construct, id: string, props: EmailModuleProps) {
    super(scope, id);
    this.props = props;
    const { email, region, accountId, namePrefix } = props;
    const names = emailResourceNames(namePrefix);
    const configurationSetName = names.configurationSet;
    const configurationSetArn = arn(region, 'ses', region, accountId, `configuration-set/${configurationSetName}`);

    this.configurationSet = new Sesv2ConfigurationSet(this, 'configuration-set', {
      configurationSetName,
      deliveryOptions: { tlsPolicy: 'REQUIRE' },
      reputationOptions: { reputationMetricsEnabled: true },
      sendingOptions: { sendingEnabled: true },
      suppressionOptions: { suppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
    // An account-and-region setting: every environment there sets the same value, and the provider's
    // delete is a no-op (hashicorp/aws, sesv2 account_suppression_attributes: WithNoOpDelete), so
    // destroying one environment leaves it on for the others.
    new Sesv2AccountSuppressionAttributes(this, 'account-suppression', { suppressedReasons: ['BOUNCE', 'COMPLAINT'] });

    this.identity = new Sesv2EmailIdentity(this, 'identity', {
      emailIdentity: email.domain,
      configurationSetName: this.configurationSet.configurationSetName,
      dkimSigningAttributes: { nextSigningKeyLength: 'RSA_2048_BIT' },
    });
    // An identity set up before (by hand, Copilot addons): imported with its DKIM keys, so the
    // records already published stay valid (the provider's import id is the identity's name).
    if (email.adopt) this.identity.importFrom(email.domain);
    this.mailFromDomain = `${email.mailFromSubdomain}.${email.domain}`;
    new Sesv2EmailIdentityMailFromAttributes(this, 'mail-from', {
      emailIdentity: this.identity.emailIdentity,
      mailFromDomain: this.mailFromDomain,
      // Until the MX record resolves, SES sends from amazonses.com instead of failing the message.
      behaviorOnMxFailure: 'USE_DEFAULT_VALUE',
    });
    const tokens = this.identity.dkimSigningAttributes.tokens;
    // An adopted identity's records exist already, with these very names and values: taken over.
    const records = { allowOverwrite: email.adopt };
    props.dns.addRecords('email_dkim', Array.from({ length: DKIM_TOKENS }, (_, i) => ({
      name: `${Fn.element(tokens, i)}._domainkey.${email.domain}`,
      type: 'CNAME' as const,
      value: `${Fn.element(tokens, i)}.${SES_EASY_DKIM_DOMAIN[region]}`,
    })), records);
    props.dns.addRecords('email_mail_from', [
      { name: this.mailFromDomain, type: 'MX', value: `10 feedback-smtp.${region}.amazonses.com` },
      { name: this.mailFromDomain, type: 'TXT', value: 'v=spf1 include:amazonses.com ~all' },
    ], records);
    // A DMARC record of the domain's own (corporate mail) is kept when publish is off: never overwritten.
    if (email.dmarc.publish) props.dns.addRecords('email_dmarc', [{ name: `_dmarc.${email.domain}`, type: 'TXT', value: dmarcRecord(email) }]);

    // --- Feedback: SES -> SNS (encrypted) -> the feedback queue ---
    const fromSes = {
      StringEquals: { 'aws:SourceAccount': accountId },
      ArnLike: { 'aws:SourceArn': configurationSetArn },
    };
    this.key = new KmsKey(this, 'key', {
      description: `Encrypts the SES feedback topic of ${namePrefix}`,
      enableKeyRotation: true,
      deletionWindowInDays: props.production ? 30 : 7,
      policy: policyDocument([
        { Sid: 'AccountAdministers', Effect: 'Allow', Principal: { AWS: arn(region, 'iam', '', accountId, 'root') }, Action: 'kms:*', Resource: '*' },
        { Sid: 'SesOfThisConfigurationSetPublishes', Effect: 'Allow', Principal: { Service: 'ses.amazonaws.com' }, Action: ['kms:GenerateDataKey*', 'kms:Decrypt'], Resource: '*', Condition: fromSes },
      ]),
    });
    new KmsAlias(this, 'alias', { name: `alias/${names.topic}`, targetKeyId: this.key.keyId });
    this.topic = new SnsTopic(this, 'events', { name: names.topic, kmsMasterKeyId: this.key.arn });
    const topicPolicy = new SnsTopicPolicy(this, 'events-policy', {
      arn: this.topic.arn,
      policy: policyDocument([
        { Sid: 'SesOfThisConfigurationSetPublishes', Effect: 'Allow', Principal: { Service: 'ses.amazonaws.com' }, Action: 'sns:Publish', Resource: this.topic.arn, Condition: fromSes },
        { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Resource: this.topic.arn, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      ]),
    });
    new Sesv2ConfigurationSetEventDestination(this, 'feedback', {
      configurationSetName: this.configurationSet.configurationSetName,
      eventDestinationName: 'feedback',
      eventDestination: { enabled: true, matchingEventTypes: [...FEEDBACK_EVENTS], snsDestination: { topicArn: this.topic.arn } },
      // SES may publish once the topic admits it (the key policy is part of the key itself).
      dependsOn: [topicPolicy],
    });
    props.feedbackQueue.admitTopics([this.topic.arn]);
    new SnsTopicSubscription(this, 'events-to-feedback', {
      topicArn: this.topic.arn,
      protocol: 'sqs',
      endpoint: props.feedbackQueue.queue.arn,
      // The SES event itself as the message body (no SNS envelope to unwrap).
      rawMessageDelivery: true,
    });
  }

  /** What a sending process's task role needs: ses:SendEmail from the configured addresses, through this identity and configuration set only. */
  sendStatements(): PolicyStatement[] {
    return [{
      Sid: 'SendEmailFromTheIdentity',
      Effect: 'Allow',
      Action: 'ses:SendEmail',
      Resource: [this.identity.arn, this.configurationSet.arn],
      Condition: { StringEquals: { 'ses:FromAddress': this.props.email.from } },
    }];
  }

  /** The variables of every container (the app contract). */
  environment(): Record<string, string> {
    return {
      [EMAIL_VARIABLES.from]: this.props.email.from[0],
      [EMAIL_VARIABLES.configurationSet]: this.configurationSet.configurationSetName,
      [EMAIL_VARIABLES.region]: this.props.region,
    };
  }
}
