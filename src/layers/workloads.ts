import { Construct } from 'constructs';
import { DEFAULT_ROUTE_PRIORITY, rulePriority, serviceRoute } from '../config/routing';
import { EnvironmentConfig, SidecarConfig, WorkerServiceConfig } from '../config/types';
import { PolicyStatement } from '../lib/iam';
import { resourceName } from '../lib/naming';
import { appTaskPolicy } from '../modules/app-contract';
import { CacheModule } from '../modules/cache';
import { DatabaseAdminTask } from '../modules/database-admin';
import { DatabaseModule } from '../modules/database';
import { Network } from '../modules/network';
import { QueueModule, queueVariables } from '../modules/queue';
import { ScheduledJobs } from '../modules/scheduled-jobs';
import { DataStoreAccess, ServiceModule, SidecarSpec } from '../modules/service';
import { EmailModule } from '../modules/email';
import { EMAIL_FEEDBACK_QUEUE } from '../config/defaults';
import { ONE_OFF_SENDER } from '../config/validate-email';
import { ServiceDiscovery } from '../modules/service-discovery';
import { TopicsModule } from '../modules/topics';
import { allowFromGroup } from '../lib/security-groups';
import { ComputeLayer } from './compute';
import { EdgeLayer } from './edge';
import { Layer } from './layer';

export interface WorkloadsLayerProps {
  readonly config: EnvironmentConfig;
  readonly network: Network;
  readonly database: DatabaseModule;
  readonly cache: CacheModule;
  readonly edge: EdgeLayer;
  readonly compute: ComputeLayer;
}

/** A long-running service: what monitoring and the release command need to know about it. */
export interface LongRunningService {
  readonly name: string;
  readonly module: ServiceModule;
  readonly minCount: number;
  readonly maxCount: number;
  readonly cpuTarget: number;
  /** HTTP services: routed by the load balancer to this target group. */
  readonly http?: { readonly targetGroupArnSuffix: string };
  /** Queue workers: the queues it consumes and the latency it may add. */
  readonly queues?: { readonly names: string[]; readonly acceptableLatencySeconds: number };
  /** Thresholds of its own alarms that roll a deployment back. */
  readonly rollbackOn?: WorkerServiceConfig['rollbackOn'];
}

/**
 * The processes of the app: the web service (the default route), other HTTP services routed by
 * host and path, workers (on the Redis broker or on SQS queues, scaling on backlog), the one-off
 * task definition (migrations, commands, scheduled jobs), the database-admin task, the queues and
 * the job schedules.
 */
export class WorkloadsLayer extends Layer {
  readonly web: ServiceModule;
  readonly services: Record<string, ServiceModule> = {};
  /** Services with no public route, by name, and how they are found. */
  readonly internalServices: Record<string, ServiceModule> = {};
  readonly discovery?: ServiceDiscovery;
  readonly workers: Record<string, ServiceModule> = {};
  readonly queues: Record<string, QueueModule> = {};
  /** The app's SNS topics, when it declares any. */
  readonly topics?: TopicsModule;
  /** E-mail through SES, when the environment has an `email` section. */
  readonly email?: EmailModule;
  readonly oneOffTask: ServiceModule;
  readonly databaseAdmin: DatabaseAdminTask;
  readonly jobs?: ScheduledJobs;
  /** Every long-running service, web first. */
  readonly longRunning: LongRunningService[] = [];

  constructor(scope: Construct, id: string, props: WorkloadsLayerProps) {
    super(scope, id);
    const { config, network, database, cache, edge, compute: platform } = props;
    const compute = config.compute;
    const prefix = resourceName(config);

    for (const q of [...compute.queues, ...(config.email ? [EMAIL_FEEDBACK_QUEUE] : [])]) {
      this.queues[q.name] = new QueueModule(this, `queue-${q.name}`, {
        queueName: resourceName(config, q.name),
        visibilityTimeoutSeconds: q.visibilityTimeoutSeconds,
        retentionDays: q.retentionDays,
        maxReceiveCount: q.maxReceiveCount,
        delaySeconds: q.delaySeconds,
        fifo: q.fifo,
        contentBasedDeduplication: q.contentBasedDeduplication,
      });
    }
    // --- Topics fanned out to the queues that subscribe to them ---
    if (compute.topics.length > 0) {
      const topics = new TopicsModule(this, 'topics', { namePrefix: prefix, region: config.region, accountId: config.accountId, topics: compute.topics, production: config.production });
      this.topics = topics;
      for (const q of compute.queues.filter((q) => q.subscribesTo.length > 0)) {
        const queue = this.queues[q.name];
        queue.admitTopics(q.subscribesTo.map((s) => topics.topics[s.topic].arn));
        q.subscribesTo.forEach((s) => topics.subscribe(queue, q.name, s));
      }
    }
    // --- E-mail: SES identity, records, configuration set, feedback to its queue ---
    if (config.email) {
      this.email = new EmailModule(this, 'email', {
        namePrefix: prefix,
        region: config.region,
        accountId: config.accountId,
        email: config.email,
        dns: edge.dns,
        feedbackQueue: this.queues[EMAIL_FEEDBACK_QUEUE.name],
        production: config.production,
      });
    }
    /** Every container learns the sender and configuration set; only the processes in email.sentBy may send. */
    const emailAccess = (process: string) => ({
      environment: this.email?.environment() ?? {},
      statements: this.email && config.email!.sentBy.includes(process) ? this.email.sendStatements() : [],
    });
    /** Topic ARNs in the environment and sns:Publish on exactly those (with their key). */
    const topicAccess = (publishes: string[]) => ({
      environment: this.topics?.publisherEnvironment(publishes) ?? {},
      statements: this.topics?.publishStatements(publishes) ?? [],
    });
    /** The task roles publishing to each topic (its topic policy admits only them). */
    const publishers: Record<string, string[]> = {};
    const publishedBy = (module: ServiceModule, topicNames: string[]) => topicNames.forEach((t) => (publishers[t] ??= []).push(module.taskRole.arn));
    /** Queue URLs in the environment and exactly the SQS actions of a consumer or producer. */
    const queueAccess = (consumes: string[], sends: string[]) => {
      const environment: Record<string, string> = {};
      const statements: PolicyStatement[] = [];
      for (const name of [...new Set([...consumes, ...sends])]) {
        const queue = this.queues[name];
        const vars = queueVariables(name);
        environment[vars.url] = queue.queue.url;
        environment[vars.name] = queue.queue.name;
        const sid = name.replace(/[^A-Za-z0-9]/g, '');
        if (consumes.includes(name)) statements.push(queue.consumeStatement(`Consume${sid}`));
        if (sends.includes(name)) statements.push(queue.produceStatement(`Send${sid}`));
      }
      return { environment, statements };
    };

    const pullThrough = platform.registry.publicCachePullStatement();
    /** Sidecars: public.ecr.aws images come through the environment's pull-through cache. */
    const sidecars = (list: SidecarConfig[]): SidecarSpec[] =>
      list.map((c) => ({
        ...c,
        image: c.image.startsWith('public.ecr.aws/') ? platform.registry.publicImage(c.image.slice('public.ecr.aws/'.length)) : c.image,
        secrets: Object.fromEntries(c.secrets.map((name) => [name, platform.contract.secrets[name]])),
      }));
    const common = {
      namePrefix: prefix,
      region: config.region,
      clusterArn: platform.cluster.clusterArn,
      clusterName: platform.cluster.clusterName,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      endpoints: network,
      logRetentionDays: compute.logRetentionDays,
      enableExec: compute.enableExec,
      fargateSpot: compute.fargateSpot,
      cpuArchitecture: compute.cpuArchitecture,
    };
    /** A process's container and placement options (Copilot's entrypoint, storage, healthcheck, rollback alarms, spot_from). */
    const processOptions = (p: ProcessOptions) => ({
      entryPoint: p.entryPoint,
      ephemeralStorageGiB: p.ephemeralStorageGiB,
      containerHealthCheck: p.containerHealthCheck,
      dependsOn: p.dependsOn,
      rollbackAlarms: p.rollbackAlarms,
      spotFrom: p.spotFrom,
    });
    const baseTaskPolicy = appTaskPolicy(database.appConnectArn, edge.assets.staticBucket, edge.assets.mediaBucket);
    // --- Internal services first: their callers get a way to them (egress, ingress, <NAME>_URL) ---
    const internal: { name: string; calledBy: string[]; url: string; access: DataStoreAccess }[] = [];
    const internalRunning: LongRunningService[] = [];
    if (compute.internalServices.length > 0) {
      this.discovery = new ServiceDiscovery(this, 'discovery', { namePrefix: prefix, vpcId: network.vpcId, production: config.production });
    }
    /** What a process may call: the internal services that name it (or name nobody). */
    const callees = (process: string) => internal.filter((s) => s.name !== process && (s.calledBy.length === 0 || s.calledBy.includes(process)));
    const app = (options: { process?: string; sender: string; repository?: string; consumes?: string[]; sends?: string[]; publishes?: string[]; sidecars?: SidecarConfig[]; variables?: Record<string, string>; environment?: Record<string, string> }) => {
      const calls = options.process ? callees(options.process) : [];
      const repository = options.repository ? platform.serviceRegistries[options.repository] : platform.registry;
      const access = queueAccess(options.consumes ?? [], options.sends ?? []);
      const topicsAccess = topicAccess(options.publishes ?? []);
      const mail = emailAccess(options.sender);
      const specs = sidecars(options.sidecars ?? []);
      const usesCache = (options.sidecars ?? []).some((c) => c.image.startsWith('public.ecr.aws/'));
      return {
        ...common,
        image: `${repository.repositoryUrl}:${platform.imageVersion.tag}`,
        repositoryArns: [repository.repositoryArn],
        executionStatements: usesCache ? [pullThrough] : [],
        sidecars: specs,
        // Sidecars read only the secrets they declare, which are among the contract's.
        contract: platform.contract,
        // The process's own variables first: what the stack provides wins (validation keeps them apart).
        environment: { ...options.variables, ...access.environment, ...topicsAccess.environment, ...mail.environment, ...Object.fromEntries(calls.map((c) => [`${c.name.toUpperCase().replace(/-/g, '_')}_URL`, c.url])), ...options.environment },
        taskPolicy: [...baseTaskPolicy, ...access.statements, ...topicsAccess.statements, ...mail.statements],
        dataStores: [database, cache, ...calls.map((c) => c.access)],
      };
    };
    for (const svc of compute.internalServices) {
      const record = this.discovery!.register(svc.name);
      const module = new ServiceModule(this, `internal-${svc.name}`, {
        ...app({ sender: svc.name, sends: svc.sendsTo, publishes: svc.publishesTo, sidecars: svc.sidecars, variables: svc.environment }),
        ...processOptions(svc),
        name: svc.name,
        command: svc.command,
        cpu: svc.cpu,
        memory: svc.memory,
        appPort: svc.containerPort,
        discovery: record,
        scaling: { ...svc, gate: (count: number) => platform.gate(count) },
      });
      this.internalServices[svc.name] = module;
      publishedBy(module, svc.publishesTo);
      internalRunning.push({ name: svc.name, module, minCount: svc.minCount, maxCount: svc.maxCount, cpuTarget: svc.cpuTarget, rollbackOn: svc.rollbackOn });
      internal.push({
        name: svc.name,
        calledBy: svc.calledBy,
        url: `http://${record.hostName}:${svc.containerPort}`,
        access: {
          name: `internal service ${svc.name}`,
          port: svc.containerPort,
          securityGroupId: module.securityGroupId,
          allowFrom: (id, sourceSecurityGroupId, description) => allowFromGroup(module, `ingress-${id}`, { securityGroupId: module.securityGroupId, sourceSecurityGroupId, port: svc.containerPort, description }),
        },
      });
    }
    const gate = (count: number) => platform.gate(count);
    const lb = platform.loadBalancer;

    // --- The web service: every app host name not routed elsewhere ---
    const web = compute.web;
    const webTarget = lb.addTarget('web', {
      name: 'web',
      port: targetPort(web),
      healthCheckPath: web.healthCheckPath,
      deregistrationDelay: config.loadBalancer.deregistrationDelay,
      hosts: edge.appHosts,
      priority: DEFAULT_ROUTE_PRIORITY,
      healthCheck: web.healthCheck,
      stickiness: web.stickiness,
      allowedSourceIps: web.allowedSourceIps,
    });
    this.web = new ServiceModule(this, 'web', {
      ...app({ process: 'web', sender: 'web', sends: web.sendsTo, publishes: web.publishesTo, sidecars: web.sidecars, variables: web.environment, environment: { HEALTH_CHECK_PATH: web.healthCheckPath } }),
      ...processOptions(web),
      name: 'web',
      command: web.command,
      cpu: web.cpu,
      memory: web.memory,
      appPort: web.containerPort,
      loadBalancer: { module: lb, target: webTarget, containerName: web.targetContainer, gracePeriodSeconds: web.healthCheck.gracePeriodSeconds },
      scaling: { ...web, gate },
    });
    publishedBy(this.web, web.publishesTo);
    this.longRunning.push({ name: 'web', module: this.web, minCount: web.minCount, maxCount: web.maxCount, cpuTarget: web.cpuTarget, http: { targetGroupArnSuffix: webTarget.targetGroup.arnSuffix }, rollbackOn: web.rollbackOn });

    // --- Other HTTP services, by host and/or path ---
    for (const svc of compute.services) {
      const route = serviceRoute(config, svc);
      const target = lb.addTarget(`service-${svc.name}`, {
        name: svc.name,
        port: targetPort(svc),
        healthCheckPath: svc.healthCheckPath,
        deregistrationDelay: config.loadBalancer.deregistrationDelay,
        hosts: route.hosts,
        paths: route.paths,
        priority: rulePriority(svc),
        healthCheck: svc.healthCheck,
        stickiness: svc.stickiness,
        allowedSourceIps: svc.allowedSourceIps,
      });
      const module = new ServiceModule(this, `service-${svc.name}`, {
        ...app({
          process: svc.name,
          sender: svc.name,
          repository: svc.ownRepository ? svc.name : undefined,
          sends: svc.sendsTo,
          publishes: svc.publishesTo,
          sidecars: svc.sidecars,
          variables: svc.environment,
          // ALLOWED_HOSTS of this service: the names routed to it.
          environment: { HEALTH_CHECK_PATH: svc.healthCheckPath, APP_HOSTS: route.hosts.join(',') },
        }),
        ...processOptions(svc),
        name: svc.name,
        command: svc.command,
        cpu: svc.cpu,
        memory: svc.memory,
        appPort: svc.containerPort,
        loadBalancer: { module: lb, target, containerName: svc.targetContainer, gracePeriodSeconds: svc.healthCheck.gracePeriodSeconds },
        scaling: { ...svc, gate },
      });
      this.services[svc.name] = module;
      publishedBy(module, svc.publishesTo);
      this.longRunning.push({ name: svc.name, module, minCount: svc.minCount, maxCount: svc.maxCount, cpuTarget: svc.cpuTarget, http: { targetGroupArnSuffix: target.targetGroup.arnSuffix }, rollbackOn: svc.rollbackOn });
    }

    // --- Workers: on the Redis broker (CPU scaling) or on queues (backlog scaling) ---
    for (const w of compute.workers) {
      const onQueues = w.queues.length > 0;
      const module = new ServiceModule(this, `worker-${w.name}`, {
        ...app({ process: w.name, sender: w.name, consumes: w.queues, sends: w.sendsTo, publishes: w.publishesTo, sidecars: w.sidecars, variables: w.environment }),
        ...processOptions(w),
        name: w.name,
        command: w.command,
        cpu: w.cpu,
        memory: w.memory,
        scaling: {
          ...w,
          gate,
          backlog: onQueues ? { queueNames: w.queues.map((q) => this.queues[q].name), targetPerTask: Math.max(1, Math.floor(w.acceptableLatencySeconds / w.processingSeconds)) } : undefined,
        },
      });
      this.workers[w.name] = module;
      publishedBy(module, w.publishesTo);
      this.longRunning.push({
        name: w.name,
        module,
        minCount: w.minCount,
        maxCount: w.maxCount,
        cpuTarget: w.cpuTarget,
        queues: onQueues ? { names: w.queues, acceptableLatencySeconds: w.acceptableLatencySeconds } : undefined,
        rollbackOn: w.rollbackOn,
      });
    }

    // Listed after the public services (web stays first).
    this.longRunning.push(...internalRunning);

    // --- One-off commands (migrations, createsuperuser) and jobs: a task definition without a service ---
    const jobSends = [...new Set(compute.jobs.flatMap((j) => j.sendsTo))];
    const jobPublishes = [...new Set(compute.jobs.flatMap((j) => j.publishesTo))];
    this.oneOffTask = new ServiceModule(this, 'oneoff', { ...app({ process: 'task', sender: ONE_OFF_SENDER, sends: jobSends, publishes: jobPublishes }), name: 'task', cpu: web.cpu, memory: web.memory });
    publishedBy(this.oneOffTask, jobPublishes);
    this.topics?.restrictPublishers(publishers);
    if (compute.jobs.length > 0) {
      this.jobs = new ScheduledJobs(this, 'jobs', {
        namePrefix: prefix,
        region: config.region,
        accountId: config.accountId,
        jobs: compute.jobs,
        clusterArn: platform.cluster.clusterArn,
        taskFamily: this.oneOffTask.taskDefinitionFamily,
        executionRoleArn: this.oneOffTask.executionRole.arn,
        taskRoleArn: this.oneOffTask.taskRole.arn,
        subnetIds: network.privateSubnetIds,
        securityGroupId: this.oneOffTask.securityGroupId,
        fargateSpot: compute.fargateSpot,
      });
    }

    this.databaseAdmin = new DatabaseAdminTask(this, 'database-admin', {
      ...common,
      database,
      image: platform.registry.publicImage(`docker/library/postgres:${database.majorVersion}-alpine`),
      repositoryArns: [],
      executionStatements: [pullThrough],
      // ECS Exec into the task holding the master password serves no purpose.
      enableExec: false,
    });
  }
}

type ProcessOptions = Pick<WorkerServiceConfig, 'entryPoint' | 'ephemeralStorageGiB' | 'containerHealthCheck' | 'rollbackAlarms' | 'spotFrom' | 'dependsOn'>;

/** The port the load balancer sends to: the app's, or that of the sidecar it targets. */
function targetPort(service: { containerPort: number; targetContainer?: string; sidecars: SidecarConfig[] }): number {
  if (!service.targetContainer || service.targetContainer === 'app') return service.containerPort;
  return service.sidecars.find((c) => c.name === service.targetContainer)!.port!;
}
