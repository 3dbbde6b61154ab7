import { deepMerge, EnvironmentInput } from '../../config/defaults';
import { arn } from '../../lib/naming';
import { SidecarConfig } from '../../config/types';
import { fallback, kindReason, reasonFor } from './coverage';
import { ManifestReader, Unmapped, isRecord } from './reader';
import { commandArgs, durationSeconds, translateSchedule } from './translate';
import { Context } from './context';
import { additionalRules, aliases, pathPatterns } from './routes';
import { environmentManifest, restrictSources } from './environment';
import { containerOptions, healthCheckAt, logRetention, longestRetention, sizing } from './scaling';
import { declareSecrets, envFileVariables, environmentAndSecrets } from './variables';
import { publishedTopics, queueSettings, subscribedTopics, topicNames } from './topics';
import { CopilotImportError, Manifest, Workspace } from './workspace';

/**
 * Copilot manifests to this project's environment config (`defineEnvironment` inputs), one per
 * Copilot environment, each workload's `environments.<env>` overrides merged the way Copilot
 * documents it (maps merge, lists and scalars replace). Every manifest field is either carried
 * over or listed in `unmapped` with the reason and what to do instead. Values Copilot does not
 * hold (the AWS account, the region, a domain without an alias) are placeholders, listed in
 * `placeholders`, that still synthesize.
 */

export interface Placeholder {
  readonly environment: string;
  /** Dotted path inside the environment object (`accountId`, `domain.name`). */
  readonly field: string;
  readonly note: string;
}

export interface CopilotImport {
  readonly environments: EnvironmentInput[];
  readonly unmapped: Unmapped[];
  readonly placeholders: Placeholder[];
  /** What the importer decided that is worth reading (a startup sidecar became the migration command...). */
  readonly notes: string[];
}

const slug = (s: string, max: number) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, max).replace(/-+$/, '') || 'app';
const PLACEHOLDER_ACCOUNT = '123456789012';
const PLACEHOLDER_REGION = 'eu-west-1';
const MISSING_COMMAND = ['sh', '-c', 'echo "set this command: the Copilot manifest relied on the image CMD" >&2; exit 1'];


/** The manifest for one environment: its `environments.<env>` override merged in (maps merge, lists and scalars replace). */
export function mergedFor(manifest: Manifest, environment: string): Record<string, unknown> {
  const { environments, ...base } = manifest.body;
  const override = isRecord(environments) && isRecord(environments[environment]) ? environments[environment] : {};
  return deepMerge(structuredClone(base), override) as Record<string, unknown>;
}

/** `publish.topics` of a workload onto its process (publishesTo). */
function publishes(r: ManifestReader, ctx: Context, service: string, target: Record<string, unknown>): void {
  const names = publishedTopics(r, service, ctx.topicNames, { topics: ctx.compute.topics, queues: ctx.compute.queues, notes: ctx.notes });
  if (names.length > 0) target.publishesTo = names;
}

/** `platform: linux/arm64` (or `{osfamily, architecture}`) as an ECS CPU architecture. */
function architectureOf(platform: unknown): 'X86_64' | 'ARM64' {
  const text = isRecord(platform) ? String(platform.architecture ?? '') : String(platform ?? '');
  return /arm64|aarch64/i.test(text) ? 'ARM64' : 'X86_64';
}

/** Sidecars; a non-essential sidecar the main container waits for (`complete`/`success`) that migrates becomes the release's migration command. */
function sidecars(r: ManifestReader, ctx: Context): Record<string, unknown>[] {
  const declared = r.peek<Record<string, Record<string, unknown>>>('sidecars') ?? {};
  const mainDependsOn = r.peek<Record<string, string>>('image.depends_on') ?? {};
  const out: Record<string, unknown>[] = [];
  for (const [name, sidecar] of Object.entries(declared)) {
    const f = `sidecars.${name}`;
    const command = commandArgs(sidecar.command);
    const waitedFor = ['complete', 'success'].includes(String(mainDependsOn[name] ?? '').toLowerCase());
    if (sidecar.essential === false && waitedFor && command && /migrat/i.test(command.join(' '))) {
      r.take(`${f}.command`);
      r.take(`${f}.essential`);
      r.take(`image.depends_on.${name}`);
      r.skip(f, 'the migration runs as a one-off task of the release, on the app\'s released image with the app\'s variables and secrets; this sidecar\'s own image, variables and secrets are not used');
      ctx.release = { migrationCommand: command };
      ctx.notes.push(`startup sidecar "${name}" (${r.file}) ran migrations before the app started: here that is the release's migration command (release.migrationCommand = ${JSON.stringify(command)}), run once per release on the new image before any service changes`);
      continue;
    }
    const image = r.take<string>(`${f}.image`);
    const entry: Record<string, unknown> = { name, image: image ?? 'FILL-IN/image:tag' };
    const port = r.take(`${f}.port`);
    if (port !== undefined) entry.port = Number(String(port).split('/')[0]);
    if (sidecar.essential !== undefined) entry.essential = r.take(`${f}.essential`);
    if (command) entry.command = (r.take(`${f}.command`), command);
    const entryPoint = commandArgs(r.take(`${f}.entrypoint`));
    if (entryPoint) entry.entryPoint = entryPoint;
    const check = healthCheckAt(r, `${f}.healthcheck`);
    if (check) entry.healthCheck = check;
    const dependsOn = isRecord(sidecar.depends_on) ? sidecar.depends_on : {};
    if (Object.keys(dependsOn).length > 0) {
      r.take(`${f}.depends_on`);
      entry.dependsOn = Object.entries(dependsOn).map(([container, condition]) => ({ container: container === r.peek('name') ? 'app' : container, condition: String(condition).toUpperCase() as SidecarConfig['dependsOn'][number]['condition'] }));
    }
    // The sidecar's env file first: its own variables win (as in ECS).
    const variables = { ...envFileVariables(r, ctx, `${f}.env_file`), ...(isRecord(sidecar.variables) ? sidecar.variables : {}) };
    r.take(`${f}.variables`);
    if (Object.keys(variables).length > 0) entry.environment = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)]));
    const secretNames = declareSecrets(r, ctx, `${f}.`);
    if (secretNames.length > 0) entry.secrets = secretNames;
    out.push(entry);
  }
  return out;
}

/** `image.depends_on`: the app container waits for these sidecars (a migrating startup sidecar became the release's migration instead). */
function mainDependsOn(r: ManifestReader, target: Record<string, unknown>, own: Record<string, unknown>[]): void {
  const waits = r.peek<Record<string, unknown>>('image.depends_on') ?? {};
  const dependsOn = Object.entries(waits)
    .filter(([name]) => own.some((c) => c.name === name))
    .map(([name, condition]) => (r.take(`image.depends_on.${name}`), { container: name, condition: String(condition).toUpperCase() }));
  if (dependsOn.length > 0) target.dependsOn = dependsOn;
}

/** Load Balanced Web Service (the web service, or another HTTP service) and Request-Driven Web Service. */
function httpService(r: ManifestReader, ctx: Context, isWeb: boolean, name: string): Record<string, unknown> {
  const service: Record<string, unknown> = {};
  const port = r.take('image.port') ?? r.take('http.target_port');
  if (port !== undefined) service.containerPort = Number(port);
  const healthcheck = r.peek('http.healthcheck');
  const path = typeof healthcheck === 'string' ? r.take<string>('http.healthcheck') : r.take<string>('http.healthcheck.path');
  if (path) service.healthCheckPath = path;
  // Copilot's timings; what a manifest leaves out keeps the project's default.
  const check: Record<string, unknown> = {};
  const codes = r.take('http.healthcheck.success_codes');
  if (codes !== undefined) check.successCodes = String(codes);
  for (const [from, to] of [['healthy_threshold', 'healthyThreshold'], ['unhealthy_threshold', 'unhealthyThreshold']] as const) {
    const v = r.take(`http.healthcheck.${from}`);
    if (v !== undefined) check[to] = Number(v);
  }
  for (const [from, to] of [['interval', 'intervalSeconds'], ['timeout', 'timeoutSeconds'], ['grace_period', 'gracePeriodSeconds']] as const) {
    const v = r.take(`http.healthcheck.${from}`);
    if (v !== undefined) check[to] = Math.round(durationSeconds(v as string));
  }
  if (Object.keys(check).length > 0) service.healthCheck = check;
  if (r.take('http.stickiness') === true) service.stickiness = true;
  const sources = r.take<string[]>('http.allowed_source_ips');
  if (sources?.length) service.allowedSourceIps = sources;
  sizing(r, ctx, service, 'http', isWeb ? 'web' : name);
  containerOptions(r, service);
  const command = commandArgs(r.take('command'));
  if (command) service.command = command;
  const own = sidecars(r, ctx);
  if (own.length > 0) service.sidecars = own;
  mainDependsOn(r, service, own);
  const target = r.peek<string>('http.target_container') ?? r.peek<string>('http.targetContainer');
  if (target && target !== name) {
    r.take('http.target_container');
    service.targetContainer = target;
  } else if (target) r.take('http.target_container');
  environmentAndSecrets(r, ctx, service);
  publishes(r, ctx, name, service);
  if (r.take('exec')) ctx.compute.enableExec = true;
  const delay = r.peek('http.deregistration_delay');
  if (delay !== undefined) {
    const seconds = Math.round(durationSeconds(delay as string));
    if (ctx.deregistrationDelay === undefined || ctx.deregistrationDelay === seconds) {
      ctx.deregistrationDelay = seconds;
      r.take('http.deregistration_delay');
    } else r.skip('http.deregistration_delay', `the deregistration delay is one per environment here (loadBalancer.deregistrationDelay), already ${ctx.deregistrationDelay} s from another service`);
  }
  const hosts = aliases(r.take('http.alias'));
  const routePath = r.take<string>('http.path');
  if (isWeb) ctx.hosts.push(...hosts);
  else {
    service.name = slug(name, 20);
    if (hosts.length > 0) service.hosts = hosts;
    service.file = r.file;
    const patterns = pathPatterns(routePath);
    if (patterns.length > 0) service.paths = patterns;
  }
  additionalRules(r, ctx, { isWeb, name, hosts, path: routePath, service });
  return service;
}

/** Backend Service: an internal service, found by name (Cloud Map DNS), reachable only from the app's processes. */
function internalService(r: ManifestReader, ctx: Context, name: string): void {
  const service: Record<string, unknown> = { name: slug(name, 12) };
  const port = r.take('image.port');
  service.containerPort = port === undefined ? 80 : Number(port);
  if (port === undefined) ctx.notes.push(`internal service ${name} (${r.file}): no image.port; port 80 is written (compute.internalServices[].containerPort)`);
  sizing(r, ctx, service, 'internal', name);
  containerOptions(r, service);
  const command = commandArgs(r.take('command'));
  service.command = command ?? MISSING_COMMAND;
  if (!command) ctx.notes.push(`internal service ${name} (${r.file}): Copilot ran its image's CMD; here it runs the app's image, so set compute.internalServices[].command (a placeholder that fails is written)`);
  const own = sidecars(r, ctx);
  if (own.length > 0) service.sidecars = own;
  mainDependsOn(r, service, own);
  environmentAndSecrets(r, ctx, service);
  publishes(r, ctx, name, service);
  if (r.take('exec')) ctx.compute.enableExec = true;
  // Copilot's Service Connect name becomes the service's Cloud Map DNS name.
  if (isRecord(r.peek('network.connect'))) r.skip('network.connect', `Service Connect is replaced by Cloud Map DNS: callers reach the service as ${String(service.name)} (<NAME>_URL), not by a Service Connect alias`);
  else r.take('network.connect');
  ctx.notes.push(`internal service ${name} (${r.file}): the other processes reach it at http://${service.name}.<project>-<env>.internal:${service.containerPort} (their ${String(service.name).toUpperCase().replace(/-/g, '_')}_URL), through Cloud Map DNS instead of Service Connect; it runs the app's image with its own command`);
  ctx.compute.internalServices.push(service);
}

function workerService(r: ManifestReader, ctx: Context, name: string): void {
  const worker: Record<string, unknown> = { name: slug(name, 20) };
  sizing(r, ctx, worker, 'worker', name);
  containerOptions(r, worker);
  const command = commandArgs(r.take('command'));
  worker.command = command ?? MISSING_COMMAND;
  if (!command) ctx.notes.push(`worker ${name} (${r.file}): Copilot ran the image's CMD; set compute.workers[].command (a placeholder that fails is written)`);
  const own = sidecars(r, ctx);
  if (own.length > 0) worker.sidecars = own;
  mainDependsOn(r, worker, own);
  environmentAndSecrets(r, ctx, worker);
  if (r.take('exec')) ctx.compute.enableExec = true;
  publishes(r, ctx, name, worker);
  // Copilot's worker queue (`subscribe.queue`): one queue per worker here too, fed by the topics it
  // subscribes to (a topic with a `queue` of its own gets one more).
  const queue: Record<string, unknown> = { name: slug(name, 20), subscribesTo: [] };
  queueSettings(r, 'subscribe.queue', queue);
  const extra = subscribedTopics(r, name, queue, ctx.topicNames, { topics: ctx.compute.topics, queues: ctx.compute.queues, notes: ctx.notes });
  // The worker's task timeout fits its queues' visibility timeouts (validated).
  const timeouts = [queue, ...ctx.compute.queues.filter((q) => extra.includes(String(q.name)))].map((q) => q.visibilityTimeoutSeconds).filter((t): t is number => typeof t === 'number');
  if (timeouts.length > 0) worker.taskTimeoutSeconds = Math.min(300, ...timeouts);
  worker.queues = [queue.name, ...extra];
  ctx.compute.queues.push(queue);
  ctx.compute.workers.push(worker);
}

function scheduledJob(r: ManifestReader, ctx: Context, name: string): void {
  const schedule = r.peek<string>('on.schedule');
  if (schedule === undefined) return;
  const expression = translateSchedule(String(schedule));
  if (expression === undefined) {
    const reason = 'the schedule is "none": a job here always has a schedule, so this one is not carried over; run it by hand with `npm run task -- <env> <command>`';
    for (const key of Object.keys(r.body)) r.skip(key, reason);
    return;
  }
  r.take('on.schedule');
  const job: Record<string, unknown> = { name: slug(name, 20), schedule: expression, timezone: 'UTC' };
  const command = commandArgs(r.take('command'));
  // ECS runs the entry point with the command as its arguments: a job's is the two together (jobs
  // share the one-off task, whose command override runs after the app image's own ENTRYPOINT, if it has one).
  const entryPoint = commandArgs(r.peek('entrypoint'));
  if (entryPoint && command) {
    r.take('entrypoint');
    ctx.notes.push(`job ${name} (${r.file}): its entrypoint goes in front of its command (${JSON.stringify([...entryPoint, ...command])}); the one-off task runs it after the app image's own ENTRYPOINT, if that has one`);
  } else if (entryPoint) r.skip('entrypoint', 'a job without a command ran its image\'s CMD after this entrypoint: set compute.jobs[].command to the whole command line (a placeholder that fails is written)');
  job.command = command ? [...(entryPoint ?? []), ...command] : MISSING_COMMAND;
  if (!command) ctx.notes.push(`job ${name} (${r.file}): Copilot ran the image's CMD; set compute.jobs[].command (a placeholder that fails is written)`);
  for (const field of ['sidecars', 'storage', 'image.depends_on', 'logging']) r.skip(field, reasonFor(field, 'Scheduled Job')!);
  const retries = r.peek('retries');
  if (typeof retries === 'number' && retries > 10) r.skip('retries', `${retries} retries: at most 10 here (each one a try of up to timeoutMinutes in the same task); 10 are written`);
  else r.take('retries');
  if (typeof retries === 'number' && retries > 0) job.retries = Math.min(10, retries);
  const timeout = r.take('timeout');
  if (timeout !== undefined) job.timeoutMinutes = Math.max(1, Math.ceil(durationSeconds(timeout as string) / 60));
  const cpu = r.take('cpu');
  const memory = r.take('memory');
  if (cpu !== undefined) job.cpu = cpu;
  if (memory !== undefined) job.memory = memory;
  environmentAndSecrets(r, ctx);
  publishes(r, ctx, name, job);
  ctx.compute.jobs.push(job);
}

/** Maps a workspace; `only` limits it to some environments. */
export function mapWorkspace(workspace: Workspace, only: string[] = []): CopilotImport {
  const unmapped: Unmapped[] = [];
  const placeholders: Placeholder[] = [];
  const notes: string[] = [];
  const project = slug(workspace.application, 12);
  if (project !== workspace.application) notes.push(`project: the Copilot application "${workspace.application}" is "${project}" here (2-12 lowercase letters, digits, dashes: it prefixes every resource name)`);
  const selected = workspace.environments.filter((e) => only.length === 0 || only.includes(e.name));
  const missing = only.filter((n) => !workspace.environments.some((e) => e.name === n));
  if (missing.length > 0) throw new Error(`--env ${missing.join(', ')}: no such Copilot environment; the workspace has ${workspace.environments.map((e) => e.name).join(', ')}`);

  // An override for an environment the workspace does not have (a typo) would silently do nothing.
  const known = new Set(workspace.environments.map((e) => e.name));
  for (const workload of workspace.workloads) {
    const overrides = isRecord(workload.body.environments) ? Object.keys(workload.body.environments) : [];
    for (const env of overrides.filter((o) => !known.has(o))) {
      unmapped.push({ file: workload.file, field: `environments.${env}`, reason: `no Copilot environment "${env}" (copilot/environments/${env}/manifest.yml): this override applies to nothing; the workspace has ${[...known].join(', ')}` });
    }
  }
  const environments = selected.map((envManifest, index) => {
    const name = slug(envManifest.name, 12);
    // Copilot has no notion of production: prod / production / *-prod / prod-* are, the rest not (a placeholder says so).
    const production = /^(prod|production)$|-prod$|^prod-/.test(name);
    const ctx: Context = {
      environment: name,
      production,
      envFiles: workspace.envFiles,
      compute: { environment: {}, secrets: [], externalSecrets: {}, services: [], internalServices: [], workers: [], queues: [], topics: [], jobs: [] },
      unmapped,
      notes,
      hosts: [],
      topicNames: topicNames(workspace.workloads.map((w) => ({ manifest: w, body: mergedFor(w, envManifest.name) }))),
    };
    const out: Record<string, unknown> = { name, production, project, region: undefined, accountId: PLACEHOLDER_ACCOUNT, domain: {} };
    const envReader = new ManifestReader(envManifest.file, mergedFor(envManifest, envManifest.name));
    const ingress = environmentManifest(envReader, out, index);
    // The account of a certificate the environment imported is the environment's.
    const certificate = ((out.domain as Record<string, unknown>).certificates as Record<string, string> | undefined)?.loadBalancer;
    const account = /^arn:[\w-]+:acm:[a-z0-9-]+:(\d{12}):/.exec(certificate ?? '')?.[1];
    if (account) out.accountId = account;
    else placeholders.push({ environment: name, field: 'accountId', note: 'the AWS account of this environment (Copilot keeps it in your AWS profile)' });
    if (out.region === undefined) {
      out.region = PLACEHOLDER_REGION;
      placeholders.push({ environment: name, field: 'region', note: 'the region of this environment (Copilot keeps it in your AWS profile)' });
    }
    unmapped.push(...envReader.leftovers(fallback));

    ctx.parameterArn = (parameter: string) => arn(String(out.region), 'ssm', String(out.region), String(out.accountId), `parameter/${parameter}`);
    ctx.secretArn = (reference: string) => arn(String(out.region), 'secretsmanager', String(out.region), String(out.accountId), `secret:${reference}`);
    // One CPU architecture per environment: ARM64 (Graviton) when every Fargate workload asks for it.
    const fargate = workspace.workloads.filter((w) => !['Static Site', 'Request-Driven Web Service'].includes(w.kind));
    const architectures = fargate.map((w) => architectureOf(mergedFor(w, envManifest.name).platform));
    const arm = architectures.length > 0 && architectures.every((a) => a === 'ARM64');
    if (arm) {
      ctx.compute.cpuArchitecture = 'ARM64';
      // Fargate Spot runs x86 tasks only (ECS developer guide, Fargate capacity providers).
      ctx.compute.fargateSpot = false;
      notes.push(`${name}: every workload runs on linux/arm64: compute.cpuArchitecture is ARM64 (Graviton, about 20% cheaper), on-demand (Fargate Spot runs x86 only, so compute.fargateSpot is false); every image, sidecars included, needs an arm64 variant`);
    }
    const webs = workspace.workloads.filter((w) => w.kind === 'Load Balanced Web Service');
    // The web service answers every host name not routed elsewhere: the one on "/" (else the first).
    const pathOf = (w: Manifest) => new ManifestReader(w.file, mergedFor(w, envManifest.name)).peek<string>('http.path');
    const web = webs.find((w) => [undefined, '/'].includes(pathOf(w))) ?? webs[0];
    const retention = longestRetention(workspace.workloads.filter((w) => !['Static Site', 'Request-Driven Web Service'].includes(w.kind)).map((w) => mergedFor(w, envManifest.name)));
    for (const workload of workspace.workloads) {
      const r = new ManifestReader(workload.file, mergedFor(workload, envManifest.name));
      // The architecture is carried over when the environment's is the workload's.
      if ((arm ? 'ARM64' : 'X86_64') === architectureOf(r.peek('platform'))) r.take('platform');
      if (workload.kind !== 'Static Site') logRetention(r, ctx, retention);
      try {
        if (workload.kind === 'Load Balanced Web Service' || workload.kind === 'Request-Driven Web Service') {
          const isWeb = workload === web;
          const service = httpService(r, ctx, isWeb, workload.name);
          if (isWeb) ctx.compute.web = service;
          else ctx.compute.services.push({ ...service, ownRepository: true });
          if (workload.kind === 'Request-Driven Web Service') {
            const differs = 'was an App Runner service: here it runs on Fargate behind the environment\'s load balancer, with its own image repository; App Runner\'s scale to zero requests, its own *.awsapprunner.com URL, its instance sizes (any cpu/memory pair) and its per-request pricing do not exist here: it runs minCount tasks all the time, sized as Fargate allows';
            notes.push(`${workload.name} (${workload.file}) ${differs}`);
            // What differs is also in `unmapped` (once per workload: its type), so a script reading --json sees it.
            unmapped.push({ file: workload.file, field: 'type', reason: `Request-Driven Web Service ${differs}` });
          }
        } else if (workload.kind === 'Worker Service') workerService(r, ctx, workload.name);
        else if (workload.kind === 'Backend Service') internalService(r, ctx, workload.name);
        else if (workload.kind === 'Scheduled Job') scheduledJob(r, ctx, workload.name);
        else {
          const reason = kindReason(workload.kind)!;
          for (const leaf of r.leftovers(() => reason)) unmapped.push(leaf);
          continue;
        }
      } catch (e) {
        // A value the importer cannot translate (a schedule, a duration, a count): the file says where.
        if (e instanceof CopilotImportError) throw e;
        throw new CopilotImportError(workload.file, undefined, undefined, `${(e as Error).message} (for environment ${envManifest.name})`);
      }
      unmapped.push(...r.leftovers(fallback));
    }
    if (ctx.hosts.length > 0) {
      const [first, ...others] = ctx.hosts;
      (out.domain as Record<string, unknown>).name = first;
      const isLabel = (h: string) => h.endsWith(`.${first}`) && !h.slice(0, -first.length - 1).includes('.');
      const labels = others.filter(isLabel).map((h) => h.slice(0, -first.length - 1));
      if (labels.length > 0) (out.domain as Record<string, unknown>).appAliases = [...new Set(labels)];
      for (const lost of others.filter((h) => !isLabel(h))) {
        unmapped.push({ file: web?.file ?? envManifest.file, field: 'http.alias', reason: `"${lost}" is neither ${first} nor one label under it: the web service answers the domain and its aliases (domain.appAliases); serve ${lost} from an environment of its own, or redirect it` });
      }
      // Copilot's aliases usually live in the application's zone, one level up: the importer guesses it.
      if (first.split('.').length > 2) {
        (out.domain as Record<string, unknown>).dns = { zoneMode: 'lookup', zoneName: first.split('.').slice(1).join('.'), exportRecords: false };
        placeholders.push({ environment: name, field: 'domain.dns.zoneName', note: 'the Route 53 hosted zone that holds the domain (guessed: one level up)' });
      }
    } else {
      (out.domain as Record<string, unknown>).name = `${name}.example.com`;
      placeholders.push({ environment: name, field: 'domain.name', note: 'the domain the environment serves (Copilot\'s `http.alias`, or the application\'s domain)' });
    }
    // Other services: their own host names inside the environment's domain; one without a host or
    // path of its own gets `<name>.<domain>` (a service must route something).
    const domain = String((out.domain as Record<string, unknown>).name);
    for (const service of ctx.compute.services) {
      const file = String(service.file);
      delete service.file;
      const own = ((service.hosts as string[] | undefined) ?? []).filter((h) => {
        if (h === domain || h.endsWith(`.${domain}`)) return h !== domain;
        unmapped.push({ file, field: 'http.alias', reason: `"${h}" is outside the environment's domain ${domain}: a service answers host names inside it (compute.services[].hosts); serve it under the domain, or give it an environment of its own` });
        return false;
      });
      if (own.length > 0) service.hosts = own;
      else delete service.hosts;
      if (!service.hosts && !service.paths) {
        service.hosts = [String(service.name)];
        notes.push(`service ${service.name} (${file}): no host name or path of its own inside ${domain}; it answers ${service.name}.${domain} (compute.services[].hosts)`);
      }
    }
    // Production runs two tasks at least (one AZ can fail): validation refuses fewer.
    for (const process of [ctx.compute.web, ...ctx.compute.services, ...ctx.compute.internalServices, ...ctx.compute.workers] as (Record<string, unknown> | undefined)[]) {
      if (production && process && typeof process.minCount === 'number' && process.minCount < 2) {
        notes.push(`${name}: ${process.name ?? 'web'} ran ${process.minCount} task(s) at least; production here runs 2 at least (minCount 2)`);
        process.minCount = 2;
        process.maxCount = Math.max(2, Number(process.maxCount ?? 2));
      }
    }
    if (ingress.sourceIps) restrictSources(ctx, ingress.sourceIps, envManifest.file, (out.domain as Record<string, unknown>).appAliases as string[] | undefined);
    if (ctx.deregistrationDelay !== undefined) out.loadBalancer = { deregistrationDelay: ctx.deregistrationDelay };
    if (ctx.release) out.release = ctx.release;
    for (const queue of ctx.compute.queues) if ((queue.subscribesTo as unknown[]).length === 0) delete queue.subscribesTo;
    const { services, internalServices, workers, queues, topics, jobs, environment, secrets, externalSecrets, ...rest } = ctx.compute;
    out.compute = {
      ...rest,
      ...(Object.keys(environment).length > 0 ? { environment } : {}),
      ...(secrets.length > 0 ? { secrets } : {}),
      ...(Object.keys(externalSecrets).length > 0 ? { externalSecrets } : {}),
      ...(services.length > 0 ? { services } : {}),
      ...(internalServices.length > 0 ? { internalServices } : {}),
      ...(workers.length > 0 ? { workers } : {}),
      ...(queues.length > 0 ? { queues } : {}),
      ...(topics.length > 0 ? { topics } : {}),
      ...(jobs.length > 0 ? { jobs } : {}),
    };
    placeholders.push({ environment: name, field: 'production', note: production ? 'read from the environment\'s name: production guard rails apply' : 'read from the environment\'s name: set true for a production environment' });
    if (production) out.monitoring = { critical: { emails: ['oncall@example.com'] } };
    if (production) placeholders.push({ environment: name, field: 'monitoring.critical.emails', note: 'who is paged in production' });
    return out as unknown as EnvironmentInput;
  });

  for (const addon of workspace.addons) {
    for (const resource of addon.resources) {
      const database = /^AWS::RDS::(DBCluster|DBInstance)$/.test(resource.type);
      const email = /^AWS::SES::/.test(resource.type);
      unmapped.push({
        file: addon.file,
        field: `Resources.${resource.name} (${resource.type})`,
        reason: database
          ? 'the addon database: this project runs its own Postgres (database.*); adopt it or move its data by snapshot or dump (docs/migrating.md); Aurora and MySQL are moved by dump and restore'
          : email
            ? 'the addon\'s SES set-up: use the email section (identity with DKIM, MAIL FROM, DMARC, configuration set, bounces and complaints to a queue, docs/email.md); email.adopt: true imports an identity that exists with its DKIM keys'
            : `CloudFormation addons are not carried over: model ${resource.type} in a construct of your own, or keep it outside the stack and pass its ARN through compute.environment / externalSecrets`,
      });
    }
  }
  // A field left out of every environment is listed once.
  const once = [...new Map(unmapped.map((u) => [`${u.file} ${u.field}`, u])).values()];
  return { environments, unmapped: once, placeholders, notes: [...new Set(notes)] };
}
