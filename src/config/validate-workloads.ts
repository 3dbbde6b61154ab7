import { parseCidr } from '../lib/cidr';
import { conflictingClaims, hostClaims, loadBalancerHostNames, rulePriority, serviceRoute } from './routing';
import { EnvironmentConfig } from './types';
import { EMAIL_FEEDBACK_QUEUE } from './defaults';
import { FARGATE_MEMORY, HOST_LABEL, SLUG, TIME_ZONES, isValidDomain } from './patterns';
import { healthCheckProblems, processOptionProblems } from './validate-process';

// ------------------------------------------------------------------------------------------
// Workloads: HTTP services, queue workers, scheduled jobs, sidecars.

const CONTAINER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/;
const PATH_PATTERN = /^\/[A-Za-z0-9_\-.$/~"'@:+*?&=]*$/;
/** ACM's default quota of names per certificate. */
export const MAX_CERTIFICATE_NAMES = 10;

/** EventBridge Scheduler expressions: cron with 6 fields (one of day-of-month/day-of-week is "?"), or rate. */
export function scheduleProblem(expression: string): string | undefined {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const n = Number(rate[1]);
    if (n < 1) return 'has a rate below 1';
    if ((n === 1) !== !rate[2].endsWith('s')) return `says "${rate[1]} ${rate[2]}": use "1 ${rate[2].replace(/s$/, '')}" or "${n === 1 ? 2 : n} ${rate[2].replace(/s?$/, 's')}"`;
    return undefined;
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (!cron) return 'is neither cron(...) nor rate(...): e.g. "cron(0 3 * * ? *)" (03:00 every day) or "rate(1 hour)"';
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6) return `has ${fields.length} cron fields: EventBridge needs 6 (minutes hours day-of-month month day-of-week year), e.g. "cron(0 3 * * ? *)"`;
  const [minutes, hours, dom, month, dow, year] = fields;
  const field = (value: string, max: number, names = '') => new RegExp(`^(\\*|\\?|((\\d{1,2}${names}(-(\\d{1,2}${names}))?)(/\\d{1,2})?)(,(\\d{1,2}${names}(-(\\d{1,2}${names}))?)(/\\d{1,2})?)*|\\*/\\d{1,2})$`).test(value) && value.split(/[,/-]/).every((v) => !/^\d+$/.test(v) || Number(v) <= max);
  if (!field(minutes, 59)) return `has minutes "${minutes}" (0-59)`;
  if (!field(hours, 23)) return `has hours "${hours}" (0-23)`;
  if (!/^(\*|\?|L|W|\d{1,2}W|[\d,\-/]+)$/.test(dom)) return `has day-of-month "${dom}"`;
  if (!field(month, 12, '|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC')) return `has month "${month}"`;
  if (!/^(\*|\?|L|[1-7]L|[1-7]#[1-5]|((SUN|MON|TUE|WED|THU|FRI|SAT|[1-7])(-(SUN|MON|TUE|WED|THU|FRI|SAT|[1-7]))?)(,((SUN|MON|TUE|WED|THU|FRI|SAT|[1-7])(-(SUN|MON|TUE|WED|THU|FRI|SAT|[1-7]))?))*)$/.test(dow)) return `has day-of-week "${dow}"`;
  if (!/^(\*|\d{4}(-\d{4})?(,\d{4})*)$/.test(year)) return `has year "${year}"`;
  if ((dom === '?') === (dow === '?')) return 'needs "?" in exactly one of day-of-month and day-of-week, e.g. "cron(0 3 * * ? *)"';
  return undefined;
}


export function validateWorkloads(env: EnvironmentConfig, fail: (field: string, message: string) => void): void {
  const compute = env.compute;
  const processNames = new Map<string, string>([['web', 'compute.web']]);
  // Services and workers name roles and groups (`<project>-<env>-<name>-execution`): 12 characters;
  // a job names only its schedule.
  const claim = (name: string, field: string, maxLength = 12) => {
    // Clashes with the stack's own names (db, cache, alb, task...) are found from the resources
    // each name reaches (names.ts); here, clashes between the processes the config declares.
    if (!SLUG.test(name) || name.length > maxLength) fail(field, `is "${name}": use 2-${maxLength} lowercase letters, digits or single dashes`);
    else if (processNames.has(name) && processNames.get(name) !== 'compute.web') fail(field, `is "${name}", already the name of ${processNames.get(name)}: services, workers and jobs need distinct names`);
    processNames.set(name, field);
  };
  const queues = new Map(compute.queues.map((q) => [q.name, q]));
  // The SES feedback queue of the email section is consumed like the app's own.
  if (env.email) queues.set(EMAIL_FEEDBACK_QUEUE.name, EMAIL_FEEDBACK_QUEUE);
  const declaredSecrets = new Set([...compute.secrets, ...Object.keys(compute.externalSecrets)]);
  const sendsTo = (list: string[], field: string) =>
    list.forEach((q, i) => !queues.has(q) && fail(`${field}.sendsTo[${i}]`, `is "${q}", which is not in compute.queues: declare it there (or fix the name)`));
  const topics = new Set(compute.topics.map((t) => t.name));
  const publishesTo = (list: string[], field: string) =>
    list.forEach((t, i) => !topics.has(t) && fail(`${field}.publishesTo[${i}]`, `is "${t}", which is not in compute.topics: declare it there (or fix the name)`));
  validateTopics(env, fail);

  // Queues
  const queueNames = new Set<string>();
  compute.queues.forEach((q, i) => {
    const field = `compute.queues[${i}]`;
    if (!SLUG.test(q.name) || q.name.length > 20) fail(`${field}.name`, `is "${q.name}": use 2-20 lowercase letters, digits or single dashes`);
    if (queueNames.has(q.name)) fail(`${field}.name`, `"${q.name}" is declared twice`);
    queueNames.add(q.name);
    if (!Number.isInteger(q.visibilityTimeoutSeconds) || q.visibilityTimeoutSeconds < 0 || q.visibilityTimeoutSeconds > 43200) fail(`${field}.visibilityTimeoutSeconds`, `is ${q.visibilityTimeoutSeconds}: SQS accepts 0 to 43200 seconds (12 hours)`);
    if (!Number.isInteger(q.retentionDays) || q.retentionDays < 1 || q.retentionDays > 14) fail(`${field}.retentionDays`, `is ${q.retentionDays}: SQS keeps messages 1 to 14 days`);
    if (q.delaySeconds !== undefined && (!Number.isInteger(q.delaySeconds) || q.delaySeconds < 0 || q.delaySeconds > 900)) fail(`${field}.delaySeconds`, `is ${q.delaySeconds}: SQS delays delivery 0 to 900 seconds (15 minutes)`);
    if (!Number.isInteger(q.maxReceiveCount) || q.maxReceiveCount < 1 || q.maxReceiveCount > 1000) fail(`${field}.maxReceiveCount`, `is ${q.maxReceiveCount}: use 1 to 1000 receives before the dead-letter queue`);
    if (!compute.workers.some((w) => w.queues.includes(q.name))) fail(`${field}.name`, `"${q.name}" is consumed by no worker: bind it with compute.workers[].queues (or remove it)`);
  });

  // Sidecars of a process
  const sidecars = (owner: { sidecars: EnvironmentConfig['compute']['web']['sidecars']; cpu: number; memory: number; containerHealthCheck?: unknown; dependsOn?: { container: string; condition: string }[] }, field: string, appPort?: number) => {
    const names = new Set<string>(['app']);
    const ports = new Map<number, string>(appPort ? [[appPort, 'the app container']] : []);
    let cpu = 0;
    let memory = 0;
    owner.sidecars.forEach((c, i) => {
      const f = `${field}.sidecars[${i}]`;
      if (!CONTAINER_NAME.test(c.name) || c.name === 'app') fail(`${f}.name`, `is "${c.name}": use letters, digits, "_" or "-", not "app" (the app container)`);
      else if (names.has(c.name)) fail(`${f}.name`, `"${c.name}" is used twice in this task`);
      names.add(c.name);
      if (!c.image) fail(`${f}.image`, 'is empty: give an image, e.g. "public.ecr.aws/nginx/nginx:1.27-alpine"');
      else if (env.network.natMode === 'none' && !c.image.startsWith('public.ecr.aws/') && !/\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\//.test(c.image)) {
        fail(`${f}.image`, `is "${c.image}": with natMode "none" tasks reach no registry but ECR; use a public.ecr.aws image (pulled through the environment's cache) or push it to ECR`);
      }
      if (c.port !== undefined) {
        if (!Number.isInteger(c.port) || c.port < 1 || c.port > 65535) fail(`${f}.port`, `is ${c.port}: use a TCP port`);
        else if (ports.has(c.port)) fail(`${f}.port`, `is ${c.port}, which ${ports.get(c.port)} already listens on: containers of a task share one network namespace`);
        else ports.set(c.port, `sidecar "${c.name}"`);
      }
      c.secrets.forEach((name, j) => !declaredSecrets.has(name) && fail(`${f}.secrets[${j}]`, `is "${name}", which is not declared in compute.secrets or compute.externalSecrets`));
      if (c.entryPoint !== undefined && (c.entryPoint.length === 0 || c.entryPoint.some((a) => a === ''))) fail(`${f}.entryPoint`, 'is empty or has an empty argument: give the executable and its arguments, or remove it to keep the image\'s');
      if (c.healthCheck) healthCheckProblems(c.healthCheck, `${f}.healthCheck`, fail);
      cpu += c.cpu ?? 0;
      memory += c.memory ?? 0;
    });
    // ECS starts a container waiting for HEALTHY only once the other passes its health check: a
    // container without one never does, and the task never starts (ECS developer guide, container dependency).
    const checked = new Set([...(owner.containerHealthCheck ? ['app'] : []), ...owner.sidecars.filter((c) => c.healthCheck).map((c) => c.name)]);
    owner.sidecars.forEach((c, i) =>
      c.dependsOn.forEach((d, j) => {
        const f = `${field}.sidecars[${i}].dependsOn[${j}]`;
        if (!names.has(d.container)) fail(`${f}.container`, `is "${d.container}", not a container of this task (${[...names].join(', ')})`);
        else if (d.condition === 'HEALTHY' && !checked.has(d.container)) {
          fail(`${f}.condition`, `is HEALTHY, but "${d.container}" has no health check, so it never turns healthy and the task never starts: give it one (${d.container === 'app' ? `${field}.containerHealthCheck` : 'its healthCheck'}) or wait for START`);
        }
      }),
    );
    // The app container's own waits: on sidecars of this task, never on one that waits for it,
    // directly or through others (a cycle: none of them would ever start).
    const waitsOf = new Map<string, string[]>([['app', (owner.dependsOn ?? []).map((d) => d.container)], ...owner.sidecars.map((c): [string, string[]] => [c.name, c.dependsOn.map((d) => d.container)])]);
    const reachesApp = (from: string, seen = new Set<string>()): boolean => {
      if (from === 'app') return true;
      if (seen.has(from)) return false;
      seen.add(from);
      return (waitsOf.get(from) ?? []).some((next) => reachesApp(next, seen));
    };
    (owner.dependsOn ?? []).forEach((d, j) => {
      const f = `${field}.dependsOn[${j}]`;
      const sidecar = owner.sidecars.find((c) => c.name === d.container);
      if (!sidecar) fail(`${f}.container`, `is "${d.container}", not a sidecar of this task (${owner.sidecars.map((c) => c.name).join(', ') || 'it has none'})`);
      else if (reachesApp(d.container)) fail(`${f}.container`, `is "${d.container}", which waits for the app container itself (directly or through other sidecars): none of them would start; drop one of the waits`);
      else if (d.condition === 'HEALTHY' && !sidecar.healthCheck) fail(`${f}.condition`, `is HEALTHY, but "${d.container}" has no health check, so it never turns healthy and the task never starts: give it one (its healthCheck) or wait for START`);
      else if (['COMPLETE', 'SUCCESS'].includes(d.condition) && sidecar.essential) fail(`${f}.condition`, `is ${d.condition} on "${d.container}", an essential sidecar: when it exits the task stops; make it essential: false (a start-up step)`);
    });
    if (cpu >= owner.cpu || memory >= owner.memory) fail(`${field}.sidecars`, `reserve ${cpu} CPU units / ${memory} MiB of a ${owner.cpu} / ${owner.memory} task: leave room for the app container`);
    return ports;
  };

  // HTTP services
  sidecars(compute.web, 'compute.web', compute.web.containerPort);
  processOptionProblems(env, compute.web, 'compute.web', fail);
  sendsTo(compute.web.sendsTo, 'compute.web');
  publishesTo(compute.web.publishesTo, 'compute.web');
  const targetCheck = (svc: { targetContainer?: string; sidecars: { name: string; port?: number }[] }, field: string) => {
    if (svc.targetContainer === undefined || svc.targetContainer === 'app') return;
    const target = svc.sidecars.find((c) => c.name === svc.targetContainer);
    if (!target) fail(`${field}.targetContainer`, `is "${svc.targetContainer}", not a sidecar of this service`);
    else if (target.port === undefined) fail(`${field}.targetContainer`, `is "${svc.targetContainer}", a sidecar without a port: give it one for the load balancer`);
  };
  targetCheck(compute.web, 'compute.web');
  // Health check, stickiness and source IPs of a load-balanced service (ELB's target group limits).
  const loadBalanced = (svc: EnvironmentConfig['compute']['web'], field: string, ruleValues: number) => {
    const hc = svc.healthCheck;
    const f = `${field}.healthCheck`;
    if (!/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/.test(hc.successCodes)) fail(`${f}.successCodes`, `is "${hc.successCodes}": use HTTP codes such as "200", "200,301" or "200-399"`);
    for (const key of ['healthyThreshold', 'unhealthyThreshold'] as const) {
      if (!Number.isInteger(hc[key]) || hc[key] < 2 || hc[key] > 10) fail(`${f}.${key}`, `is ${hc[key]}: the load balancer takes 2 to 10 checks`);
    }
    if (!Number.isInteger(hc.intervalSeconds) || hc.intervalSeconds < 5 || hc.intervalSeconds > 300) fail(`${f}.intervalSeconds`, `is ${hc.intervalSeconds}: use 5 to 300 seconds`);
    if (!Number.isInteger(hc.timeoutSeconds) || hc.timeoutSeconds < 2 || hc.timeoutSeconds > 120) fail(`${f}.timeoutSeconds`, `is ${hc.timeoutSeconds}: use 2 to 120 seconds`);
    else if (hc.timeoutSeconds >= hc.intervalSeconds) fail(`${f}.timeoutSeconds`, `is ${hc.timeoutSeconds} s, not below intervalSeconds (${hc.intervalSeconds} s): a check must time out before the next one starts`);
    if (!Number.isInteger(hc.gracePeriodSeconds) || hc.gracePeriodSeconds < 0 || hc.gracePeriodSeconds > 7200) fail(`${f}.gracePeriodSeconds`, `is ${hc.gracePeriodSeconds}: use 0 to 7200 seconds`);
    svc.allowedSourceIps.forEach((cidr, i) => {
      if (typeof parseCidr(cidr) === 'string' && !/^[0-9a-f:]+\/\d{1,3}$/i.test(cidr)) fail(`${field}.allowedSourceIps[${i}]`, `is "${cidr}": use a CIDR such as "203.0.113.0/24"`);
    });
    if (ruleValues + svc.allowedSourceIps.length > 5) fail(`${field}.allowedSourceIps`, `adds ${svc.allowedSourceIps.length} source IPs to ${ruleValues} host names and paths: a load balancer rule takes at most 5 values in all`);
  };
  loadBalanced(compute.web, 'compute.web', 1 + env.domain.appAliases.length);
  const routes: { field: string; hosts: string[]; paths: string[] }[] = [];
  const priorities = new Map<number, string>();
  compute.services.forEach((svc, i) => {
    const field = `compute.services[${i}]`;
    claim(svc.name, `${field}.name`);
    sizingProblems(env, `${field}`, svc, fail);
    if (!Number.isInteger(svc.containerPort) || svc.containerPort < 1 || svc.containerPort > 65535) fail(`${field}.containerPort`, `is ${svc.containerPort}: use a TCP port`);
    if (!/^\/[\w\-./]*$/.test(svc.healthCheckPath)) fail(`${field}.healthCheckPath`, `is "${svc.healthCheckPath}": use an absolute path such as "/healthz"`);
    if (svc.hosts.length === 0 && svc.paths.length === 0) fail(`${field}`, 'routes nothing: give hosts (e.g. ["api"]) and/or paths (e.g. ["/api/*"])');
    svc.hosts.forEach((h, j) => {
      const fqdn = h.includes('.');
      if (fqdn ? !(isValidDomain(h) && (h === env.domain.name || h.endsWith(`.${env.domain.name}`))) : !HOST_LABEL.test(h)) {
        fail(`${field}.hosts[${j}]`, `is "${h}": use a label under the domain ("api" for api.${env.domain.name}) or a full name inside ${env.domain.name}`);
      }
    });
    svc.paths.forEach((p, j) => !PATH_PATTERN.test(p) && fail(`${field}.paths[${j}]`, `is "${p}": use a path pattern such as "/api/*"`));
    const route = serviceRoute(env, svc);
    if (route.hosts.length + route.paths.length > 5) fail(`${field}`, `matches ${route.hosts.length} host names and ${route.paths.length} paths: a load balancer rule takes at most 5 values in all`);
    const priority = rulePriority(svc);
    if (svc.priority !== undefined && (!Number.isInteger(svc.priority) || svc.priority < 1 || svc.priority > 49999)) {
      fail(`${field}.priority`, `is ${svc.priority}: use 1 to 49999 (50000 is the web service's default route)`);
    } else if (priorities.has(priority)) {
      fail(`${field}.priority`, `${svc.priority === undefined ? 'derived from the name ' : ''}is ${priority}, also ${priorities.get(priority)}'s listener rule priority: set a distinct priority`);
    } else priorities.set(priority, svc.name);
    for (const other of routes) {
      const sharedHost = route.hosts.some((h) => other.hosts.includes(h));
      const samePaths = route.paths.length === 0 ? other.paths.length === 0 : route.paths.some((p) => other.paths.includes(p));
      if (sharedHost && samePaths) fail(`${field}`, `claims the same host and path as ${other.field}: give one of them other hosts or paths`);
    }
    routes.push({ field, ...route });
    loadBalanced(svc, field, route.hosts.length + route.paths.length);
    sidecars(svc, field, svc.containerPort);
    processOptionProblems(env, svc, field, fail);
    targetCheck(svc, field);
    sendsTo(svc.sendsTo, field);
    publishesTo(svc.publishesTo, field);
  });
  // One owner per host name: the CDN and the load balancer cannot share one (one DNS record), nor
  // can two claimants that would each take all of its requests.
  const claims = hostClaims(env);
  const reported = new Set<string>();
  claims.forEach((claim, i) => {
    const first = claims.slice(0, i).find((c) => conflictingClaims(c, claim));
    if (!first || reported.has(claim.host)) return;
    reported.add(claim.host);
    const why = first.target !== claim.target
      ? `its DNS record can point at ${first.target === 'CloudFront' ? 'CloudFront' : 'the load balancer'} or at ${claim.target === 'CloudFront' ? 'CloudFront' : 'the load balancer'}, not both`
      : 'both would take every request of it (the listener rule of one silently gets the other\'s traffic); give one of them paths';
    fail(claim.field, `claims "${claim.host}" for ${claim.owner}, which ${first.field} already claims for ${first.owner}: ${why}. One host name, one owner: pick another name for one of them`);
  });
  const names = loadBalancerHostNames(env);
  if (names.length > MAX_CERTIFICATE_NAMES) fail('compute.services', `need ${names.length} host names on the load balancer's certificate: ACM allows ${MAX_CERTIFICATE_NAMES} by default; share host names or raise the ACM quota and this limit`);

  // ECS developer guide, "AWS Fargate capacity providers": "Linux tasks with the ARM64 architecture
  // don't support the Fargate Spot capacity provider."
  if (compute.cpuArchitecture === 'ARM64' && compute.fargateSpot) {
    fail('compute.cpuArchitecture', 'is "ARM64" with compute.fargateSpot on: Fargate Spot runs x86 tasks only; set compute.fargateSpot to false (ARM64 on-demand is about 20% below x86 on-demand), or keep X86_64 for Spot');
  }

  // Internal services: no route; their callers by name.
  const callers = ['web', ...compute.services.map((s) => s.name), ...compute.workers.map((w) => w.name), 'task'];
  compute.internalServices.forEach((svc, i) => {
    const field = `compute.internalServices[${i}]`;
    claim(svc.name, `${field}.name`);
    sizingProblems(env, field, svc, fail);
    if (!Number.isInteger(svc.containerPort) || svc.containerPort < 1 || svc.containerPort > 65535) fail(`${field}.containerPort`, `is ${svc.containerPort}: use a TCP port`);
    const urlVariable = `${svc.name.toUpperCase().replace(/-/g, '_')}_URL`;
    if (urlVariable in compute.environment) fail('compute.environment', `sets ${urlVariable}, which the stack gives the callers of internal service "${svc.name}": remove it (or rename the service)`);
    svc.calledBy.forEach((c, j) => !callers.includes(c) && fail(`${field}.calledBy[${j}]`, `is "${c}", not a process that can call it: use ${callers.map((n) => `"${n}"`).join(', ')} (internal services do not call each other)`));
    sidecars(svc, field, svc.containerPort);
    processOptionProblems(env, svc, field, fail);
    sendsTo(svc.sendsTo, field);
    publishesTo(svc.publishesTo, field);
  });

  // Workers
  compute.workers.forEach((w, i) => {
    const field = `compute.workers[${i}]`;
    claim(w.name, `${field}.name`);
    sidecars(w, field);
    processOptionProblems(env, w, field, fail, { queueWorker: w.queues.length > 0 });
    sendsTo(w.sendsTo, field);
    publishesTo(w.publishesTo, field);
    w.queues.forEach((q, j) => {
      const queue = queues.get(q);
      if (!queue) fail(`${field}.queues[${j}]`, `is "${q}", which is not in compute.queues: declare it there (or fix the name)`);
      else if (queue.visibilityTimeoutSeconds < w.taskTimeoutSeconds) {
        fail(`${field}.taskTimeoutSeconds`, `is ${w.taskTimeoutSeconds} s, longer than queue "${q}"'s visibility timeout (${queue.visibilityTimeoutSeconds} s): a message still being worked on would be delivered again; raise the visibility timeout`);
      }
    });
    if (w.queues.length > 0) {
      if (w.minCount < 1) fail(`${field}.minCount`, `is ${w.minCount} for a queue worker: at zero tasks the backlog-per-task metric has no data and nothing scales out; keep at least 1 (the night schedule still stops it)`);
      if (!(w.processingSeconds > 0)) fail(`${field}.processingSeconds`, `is ${w.processingSeconds}: give the average seconds one message takes`);
      if (!(w.acceptableLatencySeconds >= w.processingSeconds)) fail(`${field}.acceptableLatencySeconds`, `is ${w.acceptableLatencySeconds}: at least processingSeconds (${w.processingSeconds}), or every message is late`);
    }
    if (!Number.isInteger(w.taskTimeoutSeconds) || w.taskTimeoutSeconds < 1) fail(`${field}.taskTimeoutSeconds`, `is ${w.taskTimeoutSeconds}: give the longest a message may take, in seconds`);
  });

  // Jobs
  compute.jobs.forEach((j, i) => {
    const field = `compute.jobs[${i}]`;
    claim(j.name, `${field}.name`, 30);
    const problem = scheduleProblem(j.schedule);
    if (problem) fail(`${field}.schedule`, `"${j.schedule}" ${problem}`);
    if (!TIME_ZONES.has(j.timezone)) fail(`${field}.timezone`, `is "${j.timezone}", not an IANA time zone: e.g. "UTC", "Europe/Dublin", "America/New_York"`);
    if (j.command.length === 0) fail(`${field}.command`, 'is empty: e.g. ["python", "manage.py", "clearsessions"]');
    if (j.retries !== undefined && (!Number.isInteger(j.retries) || j.retries < 0 || j.retries > 10)) fail(`${field}.retries`, `is ${j.retries}: give 0 to 10 more tries of a failed run`);
    if (!Number.isInteger(j.timeoutMinutes) || j.timeoutMinutes < 1 || j.timeoutMinutes > 1440) fail(`${field}.timeoutMinutes`, `is ${j.timeoutMinutes}: use 1 to 1440 minutes`);
    const memoryOk = FARGATE_MEMORY[j.cpu];
    if (!memoryOk) fail(`${field}.cpu`, `is ${j.cpu}: Fargate CPU is one of ${Object.keys(FARGATE_MEMORY).join(', ')}`);
    else if (!memoryOk(j.memory)) fail(`${field}.memory`, `is ${j.memory} MiB, which Fargate does not offer with ${j.cpu} CPU units`);
    sendsTo(j.sendsTo, field);
    publishesTo(j.publishesTo, field);
  });
}

function sizingProblems(env: EnvironmentConfig, field: string, s: { cpu: number; memory: number; minCount: number; maxCount: number; cpuTarget: number; requestsPerTarget?: number }, fail: (field: string, message: string) => void): void {
  const memoryOk = FARGATE_MEMORY[s.cpu];
  if (!memoryOk) fail(`${field}.cpu`, `is ${s.cpu}: Fargate CPU is one of ${Object.keys(FARGATE_MEMORY).join(', ')}`);
  else if (!memoryOk(s.memory)) fail(`${field}.memory`, `is ${s.memory} MiB, which Fargate does not offer with ${s.cpu} CPU units: see the Fargate task size table`);
  if (!Number.isInteger(s.minCount) || s.minCount < 0 || !Number.isInteger(s.maxCount) || s.maxCount < Math.max(1, s.minCount)) {
    fail(`${field}.minCount/maxCount`, `are ${s.minCount}/${s.maxCount}: use whole numbers with 0 <= minCount <= maxCount and maxCount >= 1`);
  }
  if (env.production && s.minCount < 2) fail(`${field}.minCount`, `is ${s.minCount} in a production environment: run at least 2 tasks so one AZ can fail`);
  if (!(s.cpuTarget > 0 && s.cpuTarget <= 100)) fail(`${field}.cpuTarget`, `is ${s.cpuTarget}: use a percentage between 1 and 100`);
  if (s.requestsPerTarget !== undefined && !(s.requestsPerTarget > 0)) fail(`${field}.requestsPerTarget`, `is ${s.requestsPerTarget}: use a positive request count`);
}


/** SNS filter policies: at most 5 attribute names (keys) and 150 value combinations (SNS developer guide, "Amazon SNS quotas", filter policies). */
const FILTER_POLICY_MAX_KEYS = 5;
const FILTER_POLICY_MAX_COMBINATIONS = 150;

/** Topics, who publishes to them, and the queues fanned out from them. */
function validateTopics(env: EnvironmentConfig, fail: (field: string, message: string) => void): void {
  const compute = env.compute;
  const topics = new Map<string, EnvironmentConfig['compute']['topics'][number]>();
  compute.topics.forEach((t, i) => {
    const field = `compute.topics[${i}]`;
    if (!SLUG.test(t.name) || t.name.length > 20) fail(`${field}.name`, `is "${t.name}": use 2-20 lowercase letters, digits or single dashes`);
    if (topics.has(t.name)) fail(`${field}.name`, `"${t.name}" is declared twice`);
    topics.set(t.name, t);
    const variable = `TOPIC_ARN_${t.name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
    if (variable in compute.environment) fail('compute.environment', `sets ${variable}, which the stack gives the publishers of topic "${t.name}": remove it (or rename the topic)`);
    if (t.contentBasedDeduplication && !t.fifo) fail(`${field}.contentBasedDeduplication`, 'is on for a standard topic: only FIFO topics deduplicate; set fifo: true or remove it');
    const published = [compute.web, ...compute.services, ...compute.internalServices, ...compute.workers, ...compute.jobs].some((p) => p.publishesTo.includes(t.name));
    if (!published) fail(`${field}.name`, `"${t.name}" is published to by no process: add it to the publishesTo of the web service, a service, a worker or a job (or remove it)`);
    // A topic no queue subscribes to is allowed: its subscribers may be added outside the stack (e-mail, Lambda).
  });
  if (compute.topics.length > 0 && 'SNS_TOPIC_ARNS' in compute.environment) fail('compute.environment', 'sets SNS_TOPIC_ARNS, which the stack gives every publisher (its topics\' ARNs as JSON): remove it');
  compute.queues.forEach((q, i) => {
    const field = `compute.queues[${i}]`;
    if (q.contentBasedDeduplication && !q.fifo) fail(`${field}.contentBasedDeduplication`, 'is on for a standard queue: only FIFO queues deduplicate; set fifo: true or remove it');
    const seen = new Set<string>();
    q.subscribesTo.forEach((s, j) => {
      const f = `${field}.subscribesTo[${j}]`;
      const topic = topics.get(s.topic);
      if (!topic) return fail(`${f}.topic`, `is "${s.topic}", which is not in compute.topics: declare it there (or fix the name)`);
      if (seen.has(s.topic)) fail(`${f}.topic`, `subscribes "${s.topic}" twice: one subscription per topic and queue (merge the filter policies)`);
      seen.add(s.topic);
      // SNS developer guide, "FIFO topics": FIFO topics deliver to FIFO and standard queues; a
      // standard topic cannot deliver to a FIFO queue (no message group id).
      if (q.fifo && !topic.fifo) fail(`${f}.topic`, `is the standard topic "${s.topic}" on the FIFO queue "${q.name}": SNS delivers to FIFO queues from FIFO topics only; make the topic FIFO or the queue standard`);
      if (s.filterPolicy !== undefined) {
        const problem = filterPolicyProblem(s.filterPolicy, s.filterPolicyScope);
        if (problem) fail(`${f}.filterPolicy`, problem);
      }
    });
  });
}

/** What SNS would refuse in a filter policy, checked before the apply: its shape and its size quotas. */
export function filterPolicyProblem(policy: Record<string, unknown>, scope: 'MessageAttributes' | 'MessageBody'): string | undefined {
  const keys = Object.keys(policy);
  if (keys.length === 0) return 'is empty: leave it out to receive every message';
  // Each leaf is a list of values or matching operators: {"event": ["order-placed"]}, {"price": [{"numeric": [">", 0]}]}.
  const leaves: unknown[][] = [];
  const walk = (value: unknown, path: string, depth: number): string | undefined => {
    if (Array.isArray(value)) {
      if (value.length === 0) return `has an empty list at "${path}": give the values to match`;
      leaves.push(value);
      return undefined;
    }
    if (typeof value === 'object' && value !== null && scope === 'MessageBody' && depth < 5) {
      for (const [k, v] of Object.entries(value)) {
        const problem = walk(v, `${path}.${k}`, depth + 1);
        if (problem) return problem;
      }
      return undefined;
    }
    return `has ${JSON.stringify(value)} at "${path}": every attribute takes a list of values or operators, e.g. ["order-placed"]${scope === 'MessageAttributes' && typeof value === 'object' ? ' (nested keys match the body: set filterPolicyScope to "MessageBody")' : ''}`;
  };
  for (const k of keys) {
    const problem = walk(policy[k], k, 1);
    if (problem) return problem;
  }
  if (leaves.length > FILTER_POLICY_MAX_KEYS) return `names ${leaves.length} attributes: SNS allows ${FILTER_POLICY_MAX_KEYS} per filter policy`;
  const combinations = leaves.reduce((n, l) => n * l.length, 1);
  if (combinations > FILTER_POLICY_MAX_COMBINATIONS) return `has ${combinations} value combinations: SNS allows ${FILTER_POLICY_MAX_COMBINATIONS} (the product of the number of values of each attribute)`;
  return undefined;
}
