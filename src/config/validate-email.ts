import { EmailConfig, EnvironmentConfig } from './types';
import { EMAIL, HOST_LABEL, isValidDomain } from './patterns';

import { EMAIL_FEEDBACK_QUEUE } from './defaults';
import { SES_EASY_DKIM_DOMAIN } from './regions';

/** `email.sentBy` names processes; the one-off task (jobs, `npm run task`) is `jobs`. */
export const ONE_OFF_SENDER = 'jobs';

/** The domain of an address the shared EMAIL pattern accepts. */
const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/**
 * The levels at which AWS acts on an account's reputation (SES developer guide, "Amazon SES sending
 * review process FAQs": under review at a bounce rate of 5% or a complaint rate of 0.1%, sending
 * may be paused at 10% and 0.5%). The alarms must fire before each.
 */
export const SES_REVIEW = { bounceRate: { review: 0.05, pause: 0.1 }, complaintRate: { review: 0.001, pause: 0.005 } } as const;

/** The `email` section: sending domain, addresses, DMARC, who sends, the alarm thresholds, what the network allows. */
export function validateEmail(env: EnvironmentConfig, fail: (field: string, message: string) => void): void {
  const email = env.email;
  if (!email) return;
  const domain = env.domain.name;
  if (!SES_EASY_DKIM_DOMAIN[env.region]) {
    fail('email', `is set in ${env.region}, where this stack cannot publish SES's Easy DKIM records (SES signs there under a regional domain the provider does not expose): send from one of ${Object.keys(SES_EASY_DKIM_DOMAIN).join(', ')}, or drop the section`);
  }
  if (!isValidDomain(email.domain)) fail('email.domain', `is "${email.domain}": use a lowercase domain name such as "${domain}"`);
  else if (email.domain !== domain && !email.domain.endsWith(`.${domain}`)) {
    fail('email.domain', `is "${email.domain}", outside the environment's domain "${domain}": its DKIM, MAIL FROM and DMARC records go into that zone; use "${domain}" or a subdomain such as "mail.${domain}"`);
  }
  if (email.from.length === 0) fail('email.from', `is empty: name the address the app sends from, e.g. ["no-reply@${email.domain}"]`);
  const seen = new Set<string>();
  email.from.forEach((address, i) => {
    const field = `email.from[${i}]`;
    if (!EMAIL.test(address)) fail(field, `is "${address}", not an e-mail address: use e.g. "no-reply@${email.domain}"`);
    else if (domainOf(address) !== email.domain) fail(field, `is "${address}", outside the identity's domain "${email.domain}": SES sends only from a verified identity; use an address "@${email.domain}" (or set email.domain)`);
    // ses:FromAddress is compared case-sensitively (StringEquals): one spelling, the lowercase one.
    else if (address !== address.toLowerCase()) fail(field, `is "${address}": write it in lowercase ("${address.toLowerCase()}"), the spelling the task roles may send from`);
    if (seen.has(address.toLowerCase())) fail(field, `"${address}" is listed twice`);
    seen.add(address.toLowerCase());
  });
  if (!HOST_LABEL.test(email.mailFromSubdomain)) fail('email.mailFromSubdomain', `is "${email.mailFromSubdomain}": use one DNS label such as "bounce" (MAIL FROM bounce.${email.domain})`);
  const report = email.dmarc.reportTo;
  if (report !== undefined) {
    // The address goes into the record (rua=mailto:...): no ";" "," or "!" (DMARC separators), a real domain.
    if (!EMAIL.test(report) || /[;,!]/.test(report) || !isValidDomain(domainOf(report))) fail('email.dmarc.reportTo', `is "${report}", not an e-mail address: use e.g. "dmarc-reports@${domain}"`);
    else if (dmarcRecord(email).length > 255) fail('email.dmarc.reportTo', `makes the DMARC record ${dmarcRecord(email).length} characters, more than the 255 of one DNS string: use a shorter address`);
    if (!email.dmarc.publish) fail('email.dmarc.reportTo', 'is set but email.dmarc.publish is false: the reports go where your own DMARC record says; drop reportTo');
  }

  // Who sends: processes of this environment.
  const compute = env.compute;
  const processes = new Set(['web', ONE_OFF_SENDER, ...compute.services.map((s) => s.name), ...compute.internalServices.map((s) => s.name), ...compute.workers.map((w) => w.name)]);
  if (email.sentBy.length === 0) fail('email.sentBy', 'is empty: name the processes that send, e.g. ["web"] or a mailer worker');
  email.sentBy.forEach((name, i) => {
    if (!processes.has(name)) fail(`email.sentBy[${i}]`, `is "${name}", not a process of this environment: use one of ${[...processes].map((p) => `"${p}"`).join(', ')}`);
  });
  if (!compute.workers.some((w) => w.queues.includes(EMAIL_FEEDBACK_QUEUE.name))) {
    fail('email', `has its bounces and complaints consumed by no worker: list "${EMAIL_FEEDBACK_QUEUE.name}" in a worker's queues (the mailer, say), which then suppresses those addresses`);
  }
  if (compute.queues.some((q) => q.name === EMAIL_FEEDBACK_QUEUE.name)) {
    fail('compute.queues', `declares "${EMAIL_FEEDBACK_QUEUE.name}", the queue the email section creates for SES feedback: rename yours, or drop it and list "${EMAIL_FEEDBACK_QUEUE.name}" in a worker's queues`);
  }

  // Reputation alarms: each below the level AWS acts at, warning before critical.
  (['bounceRate', 'complaintRate'] as const).forEach((metric) => {
    const { warning, critical } = email.alarms[metric];
    const { review, pause } = SES_REVIEW[metric];
    const field = `email.alarms.${metric}`;
    const pct = (n: number) => `${Number((n * 100).toFixed(3))}%`;
    if (!(warning > 0 && warning < review)) fail(`${field}.warning`, `is ${warning}: use a fraction above 0 and below ${review} (${pct(review)}, where AWS puts the account under review), e.g. ${review * 0.8}`);
    if (!(critical > warning && critical < pause)) fail(`${field}.critical`, `is ${critical}: use a fraction above the warning (${warning}) and below ${pause} (${pct(pause)}, where AWS may pause sending), e.g. ${pause * 0.8}`);
  });

  // Records and network.
  const dns = env.domain.dns;
  if (dns.zoneMode === 'external' && !dns.exportRecords) {
    fail('email', 'is set in "external" DNS mode without exported records: set domain.dns.exportRecords to true; the DKIM CNAMEs, MAIL FROM MX/SPF and DMARC records are then stack outputs you create at your DNS provider');
  }
  if (env.network.natMode === 'none') {
    fail('email', 'needs the SES API, which has no VPC interface endpoint (only SMTP does): with network.natMode "none" the tasks cannot reach it; use natMode "single" or "perAz"');
  }
}

/** The DMARC TXT value the stack publishes at `_dmarc.<email.domain>`. */
export function dmarcRecord(email: Pick<EmailConfig, 'dmarc'>): string {
  return ['v=DMARC1', `p=${email.dmarc.policy}`, ...(email.dmarc.reportTo ? [`rua=mailto:${email.dmarc.reportTo}`] : [])].join('; ');
}

/**
 * SES keeps one identity per domain in an account and region: two environments sending from one
 * domain there would both manage (and one would delete) the same identity and its DKIM keys.
 */
export function crossEnvironmentEmailProblems(envs: EnvironmentConfig[]): string[] {
  const owners = new Map<string, string>();
  const alarmed = new Map<string, string>();
  const problems: string[] = [];
  for (const env of envs) {
    if (!env.email) continue;
    const region = `${env.accountId}/${env.region}`;
    if (env.email.alarms.account) {
      const other = alarmed.get(region);
      if (other) problems.push(`environment "${env.name}": email.alarms.account is true, as in environment "${other}" of the same account and region: the reputation rates are the account's, so every breach would be reported twice; set it to false here`);
      else alarmed.set(region, env.name);
    }
    const key = `${region}/${env.email.domain}`;
    const other = owners.get(key);
    if (other) {
      problems.push(`environment "${env.name}": email.domain is "${env.email.domain}", the SES domain identity of environment "${other}" in the same account and region (one identity per domain): give each environment its own sending domain, e.g. "mail.${env.domain.name}"`);
    } else owners.set(key, env.name);
  }
  return problems;
}
