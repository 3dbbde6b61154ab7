import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { PolicyStatement, assumeRolePolicy, policyDocument } from '../lib/iam';
import { allowFromGroup, allowToCidr, allowToGroup, securityGroup } from '../lib/security-groups';
import { LoadBalancerModule, LoadBalancerTarget } from './load-balancer';

/** Name of the application container in every task definition. */
export const APP_CONTAINER = 'app';

/** What every container of the app receives (the app contract). */
export interface ContainerContract {
  /** Plain, non-secret variables. */
  readonly environment: Record<string, string>;
  /** Variable name -> Secrets Manager `valueFrom` (secret ARN, optionally `:json-key::`). */
  readonly secrets: Record<string, string>;
  /** The secret ARNs behind `secrets`: the execution role may read exactly these. */
  readonly secretArns: string[];
}

/** A data store the service talks to; it registers the service's security group for access. */
export interface DataStoreAccess {
  readonly name: string;
  readonly port: number;
  readonly securityGroupId: string;
  allowFrom(id: string, sourceSecurityGroupId: string, description: string): void;
}

export interface ServiceScaling {
  /** Gate for the task counts: 0 until the first release (see ImageVersion.countOnceReleased). */
  readonly gate?: (count: number) => number;
  readonly minCount: number;
  readonly maxCount: number;
  /** Target average CPU utilisation, percent (not used for queue workers: they scale on backlog). */
  readonly cpuTarget: number;
  /** Target ALB requests per task (services behind the load balancer). */
  readonly requestsPerTarget?: number;
  /** Target average memory utilisation, percent (absent: not scaled on memory). */
  readonly memoryTarget?: number;
  /** Target average response time of the service's target group, seconds (absent: not scaled on it). */
  readonly responseTimeTarget?: number;
  /**
   * Queue workers: scale on the backlog per task (visible messages of the queues / running tasks),
   * AWS's recommended metric-math target tracking; target = acceptable latency / processing time.
   */
  readonly backlog?: { readonly queueNames: string[]; readonly targetPerTask: number };
}

/** A container beside the app in the same task. */
export interface SidecarSpec {
  readonly name: string;
  readonly image: string;
  readonly command?: string[];
  readonly entryPoint?: string[];
  readonly healthCheck?: ContainerHealthCheck;
  readonly port?: number;
  readonly essential: boolean;
  readonly dependsOn: { container: string; condition: string }[];
  readonly environment: Record<string, string>;
  /** Variable name -> valueFrom: only the declared secrets this sidecar asked for. */
  readonly secrets: Record<string, string>;
  readonly cpu?: number;
  readonly memory?: number;
}

export interface ServiceModuleProps {
  /** e.g. `webapp-prod`. */
  readonly namePrefix: string;
  /** Service name: `web`, a worker name, or `task` for the one-off task definition. */
  readonly name: string;
  readonly region: string;
  readonly clusterArn: string;
  readonly clusterName: string;
  readonly vpcId: string;
  readonly subnetIds: string[];
  readonly image: string;
  /** ECR repositories the execution role may pull from (the app's own repository). */
  readonly repositoryArns: string[];
  /** More execution-role statements (e.g. pulling through the ECR Public cache). */
  readonly executionStatements?: PolicyStatement[];
  readonly command?: string[];
  /** The app container's ENTRYPOINT override. */
  readonly entryPoint?: string[];
  /** Sidecars the app container waits for. */
  readonly dependsOn?: { container: string; condition: string }[];
  readonly cpu: number;
  readonly memory: number;
  /** Task ephemeral storage, GiB (absent: Fargate's 20). */
  readonly ephemeralStorageGiB?: number;
  /** The app container's own health check (ECS runs the command in the container). */
  readonly containerHealthCheck?: ContainerHealthCheck;
  /** Port the app container listens on (services behind the load balancer). */
  readonly appPort?: number;
  /** Containers beside the app; they get no contract and no secret unless declared. */
  readonly sidecars?: SidecarSpec[];
  readonly contract: ContainerContract;
  /** Variables of this process only (e.g. HEALTH_CHECK_PATH of a web service), on top of the contract. */
  readonly environment?: Record<string, string>;
  readonly logRetentionDays: number;
  /** What the application itself may do (task role). */
  readonly taskPolicy: PolicyStatement[];
  readonly dataStores: DataStoreAccess[];
  /** VPC interface endpoints (natMode none) the tasks must be admitted to. */
  readonly endpoints?: { allowEndpointsFrom(id: string, sourceSecurityGroupId: string): void };
  readonly enableExec: boolean;
  readonly fargateSpot: boolean;
  /** Tasks from this count on run on Fargate Spot, the ones before on demand (overrides fargateSpot). */
  readonly spotFrom?: number;
  /** Existing CloudWatch alarms that roll a deployment back when they fire during it. */
  readonly rollbackAlarms?: string[];
  /** The tasks' CPU: `X86_64` or `ARM64` (Graviton); the images must be built for it. */
  readonly cpuArchitecture?: 'X86_64' | 'ARM64';
  /**
   * Put the service behind the load balancer: its target (group + routing rule), and the container
   * it sends traffic to (the app, or a sidecar such as nginx) on the target's port.
   */
  readonly loadBalancer?: { readonly module: LoadBalancerModule; readonly target: LoadBalancerTarget; readonly containerName?: string; readonly gracePeriodSeconds?: number };
  /** Long-running service with autoscaling; omitted for a one-off task definition (no service). */
  readonly scaling?: ServiceScaling;
  /** A Cloud Map service whose DNS records ECS keeps to the running tasks (internal services). */
  readonly discovery?: { readonly arn: string };
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

/** A container health check; absent numbers are ECS's defaults. */
export interface ContainerHealthCheck {
  readonly command: string[];
  readonly intervalSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly retries?: number;
  readonly startPeriodSeconds?: number;
}

/**
 * Where a service's tasks run. `spotFrom` n: the first n-1 tasks on demand (the FARGATE provider's
 * base), every later one on Spot (weights 0 and 1), as Copilot's `count.spot_from` does; otherwise
 * all on Spot or all on demand.
 */
export function capacity(fargateSpot: boolean, spotFrom?: number): { capacityProviderStrategy: { capacityProvider: string; weight: number; base?: number }[] } | { launchType: string } {
  if (spotFrom !== undefined) {
    return { capacityProviderStrategy: [{ capacityProvider: 'FARGATE', base: spotFrom - 1, weight: 0 }, { capacityProvider: 'FARGATE_SPOT', weight: 1 }] };
  }
  return fargateSpot ? { capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] } : { launchType: 'FARGATE' };
}

/** ECS's container health check from ours (its names, its units). */
function containerHealthCheck(check: ContainerHealthCheck): Record<string, unknown> {
  return {
    command: check.command,
    ...(check.intervalSeconds !== undefined ? { interval: check.intervalSeconds } : {}),
    ...(check.timeoutSeconds !== undefined ? { timeout: check.timeoutSeconds } : {}),
    ...(check.retries !== undefined ? { retries: check.retries } : {}),
    ...(check.startPeriodSeconds !== undefined ? { startPeriod: check.startPeriodSeconds } : {}),
  };
}

/** Seconds a new task behind the load balancer has before failed health checks count against it. */
export const HEALTH_CHECK_GRACE_SECONDS = 60;

/**
 * How long a deploy waits for a service's steady state: the grace period, the load balancer
 * marking the new task healthy (2 checks 15 s apart) and draining the old one, plus ten minutes
 * for image pulls, start-up and the circuit breaker's own attempts; at least 15 minutes.
 */
export function steadyStateTimeoutMinutes(target?: { deregistrationDelay?: number }): number {
  const seconds = HEALTH_CHECK_GRACE_SECONDS + 2 * 15 + (target?.deregistrationDelay ?? 0) + 600;
  return Math.max(15, Math.ceil(seconds / 60));
}

/**
 * One application process type on Fargate: task definition, its log group, its two roles, its
 * security group, and (unless it is the one-off task) the ECS service with autoscaling.
 */
export class ServiceModule extends Construct {
  readonly taskDefinition: EcsTaskDefinition;
  readonly taskDefinitionFamily: string;
  readonly securityGroupId: string;
  readonly logGroupName: string;
  readonly executionRole: IamRole;
  readonly taskRole: IamRole;
  readonly service?: EcsService;
  readonly serviceName?: string;
  /** `<prefix>-<name>` as a plain string (no reference to the service: for what the service itself refers to). */
  readonly fullName: string;
  /** The service's Application Auto Scaling target (its task-count bounds). */
  readonly scalingTarget?: AppautoscalingTarget;
  /** The alarms whose firing rolls a deployment back (the stack's own and the config's). */
  private readonly watchedAlarms: string[] = [];

  constructor(scope: Construct, id: string, props: ServiceModuleProps) {
    super(scope, id);
    const name = `${props.namePrefix}-${props.name}`;
    this.fullName = name;

    const logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/ecs/${props.namePrefix}/${props.name}`,
      retentionInDays: props.logRetentionDays,
    });
    this.logGroupName = logGroup.name;

    // Execution role: what ECS needs to start the task, nothing the app can use.
    // Secrets Manager secrets and SSM parameters the containers receive, each read with its own action.
    const parameterArns = props.contract.secretArns.filter((a) => a.split(':')[2] === 'ssm');
    const secretArns = props.contract.secretArns.filter((a) => a.split(':')[2] !== 'ssm');
    this.executionRole = new IamRole(this, 'execution-role', {
      name: `${name}-execution`,
      description: `ECS starts ${name} tasks: pull the image, write logs, read its secrets`,
      assumeRolePolicy: assumeRolePolicy('ecs-tasks.amazonaws.com'),
    });
    new IamRolePolicy(this, 'execution-policy', {
      role: this.executionRole.id,
      name: 'start-task',
      policy: policyDocument([
        // GetAuthorizationToken has no resource-level permissions: "*" is the only valid resource.
        { Sid: 'EcrLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
        ...(props.repositoryArns.length > 0
          ? [{
              Sid: 'PullImage',
              Effect: 'Allow' as const,
              Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
              Resource: [...props.repositoryArns],
            }]
          : []),
        ...(props.executionStatements ?? []),
        { Sid: 'WriteLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `${logGroup.arn}:*` },
        ...(secretArns.length > 0 ? [{ Sid: 'ReadSecrets', Effect: 'Allow' as const, Action: 'secretsmanager:GetSecretValue', Resource: secretArns }] : []),
        // SSM parameters (externalSecrets): ECS reads them with GetParameters; a SecureString under
        // the account's aws/ssm key needs no kms:Decrypt of the role (ECS developer guide,
        // "Pass Systems Manager parameters to Amazon ECS containers").
        ...(parameterArns.length > 0 ? [{ Sid: 'ReadParameters', Effect: 'Allow' as const, Action: 'ssm:GetParameters', Resource: parameterArns }] : []),
      ]),
    });

    // Task role: what the application code may do.
    this.taskRole = new IamRole(this, 'task-role', {
      name: `${name}-task`,
      description: `Application permissions of ${name}`,
      assumeRolePolicy: assumeRolePolicy('ecs-tasks.amazonaws.com'),
    });
    const execStatements: PolicyStatement[] = props.enableExec
      ? [
          {
            Sid: 'EcsExec',
            Effect: 'Allow',
            // The SSM message channels have no resource-level permissions: "*" is required.
            Action: ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'],
            Resource: '*',
          },
        ]
      : [];
    const taskStatements = [...props.taskPolicy, ...execStatements];
    if (taskStatements.length > 0) {
      new IamRolePolicy(this, 'task-policy', { role: this.taskRole.id, name: 'application', policy: policyDocument(taskStatements) });
    }

    const group = securityGroup(this, 'sg', { name, description: `Tasks of ${name}`, vpcId: props.vpcId });
    this.securityGroupId = group.id;
    // Outbound HTTPS: ECR, Secrets Manager, CloudWatch Logs, S3 and third-party APIs. Nothing else
    // leaves the VPC; an app that needs more (SMTP, ...) adds a rule deliberately.
    allowToCidr(this, 'egress-https', { securityGroupId: this.securityGroupId, cidrIpv4: '0.0.0.0/0', port: 443, description: 'HTTPS to AWS APIs and the internet' });
    for (const store of props.dataStores) {
      allowToGroup(this, `egress-${store.name}`, {
        securityGroupId: this.securityGroupId,
        destinationSecurityGroupId: store.securityGroupId,
        port: store.port,
        description: `To the ${store.name}`,
      });
      store.allowFrom(`${props.name}`, this.securityGroupId, `From the ${name} tasks`);
    }
    props.endpoints?.allowEndpointsFrom(props.name, this.securityGroupId);
    const targetPort = props.loadBalancer?.target.port;
    if (props.loadBalancer && targetPort !== undefined) {
      allowFromGroup(this, 'ingress-alb', {
        securityGroupId: this.securityGroupId,
        sourceSecurityGroupId: props.loadBalancer.module.securityGroupId,
        port: targetPort,
        description: 'From the load balancer on the target port',
      });
      props.loadBalancer.module.allowTargetGroup(props.name, this.securityGroupId, targetPort);
    }

    const variables = { ...props.contract.environment, ...props.environment, SERVICE_NAME: props.name };
    const environment = Object.entries(variables).map(([k, value]) => ({ name: k, value })).sort(byName);
    const secrets = Object.entries(props.contract.secrets).map(([k, valueFrom]) => ({ name: k, valueFrom })).sort(byName);
    const logConfiguration = {
      logDriver: 'awslogs',
      options: { 'awslogs-group': logGroup.name, 'awslogs-region': props.region, 'awslogs-stream-prefix': props.name },
    };
    const ports = (port?: number) => (port !== undefined ? [{ containerPort: port, hostPort: port, protocol: 'tcp' }] : []);
    const sidecars = (props.sidecars ?? []).map((c) => ({
      name: c.name,
      image: c.image,
      essential: c.essential,
      ...(c.entryPoint ? { entryPoint: c.entryPoint } : {}),
      ...(c.command ? { command: c.command } : {}),
      ...(c.healthCheck ? { healthCheck: containerHealthCheck(c.healthCheck) } : {}),
      ...(c.cpu !== undefined ? { cpu: c.cpu } : {}),
      ...(c.memory !== undefined ? { memoryReservation: c.memory } : {}),
      portMappings: ports(c.port),
      environment: Object.entries(c.environment).map(([k, value]) => ({ name: k, value })).sort(byName),
      // A sidecar gets no app secret unless the config gave it that one.
      secrets: Object.entries(c.secrets).map(([k, valueFrom]) => ({ name: k, valueFrom })).sort(byName),
      dependsOn: c.dependsOn.map((d) => ({ containerName: d.container, condition: d.condition })),
      readonlyRootFilesystem: false,
      logConfiguration,
    }));
    this.taskDefinition = new EcsTaskDefinition(this, 'task', {
      family: name,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: String(props.cpu),
      memory: String(props.memory),
      executionRoleArn: this.executionRole.arn,
      taskRoleArn: this.taskRole.arn,
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: props.cpuArchitecture ?? 'X86_64' },
      ...(props.ephemeralStorageGiB !== undefined ? { ephemeralStorage: { sizeInGib: props.ephemeralStorageGiB } } : {}),
      containerDefinitions: JSON.stringify([
        {
          name: APP_CONTAINER,
          image: props.image,
          essential: true,
          ...(props.entryPoint ? { entryPoint: props.entryPoint } : {}),
          ...(props.command ? { command: props.command } : {}),
          portMappings: ports(props.appPort),
          ...(props.containerHealthCheck ? { healthCheck: containerHealthCheck(props.containerHealthCheck) } : {}),
          ...(props.dependsOn?.length ? { dependsOn: props.dependsOn.map((d) => ({ containerName: d.container, condition: d.condition })) } : {}),
          environment,
          secrets,
          // Web frameworks write caches and uploads to local disk; a read-only root would break
          // most images out of the box (deliberate exception to checkov CKV_AWS_336).
          readonlyRootFilesystem: false,
          // Lets ECS Exec and signals reach the app properly (PID 1 is a tiny init).
          linuxParameters: { initProcessEnabled: true },
          logConfiguration,
        },
        ...sidecars,
      ]),
    });
    this.taskDefinitionFamily = this.taskDefinition.family;

    if (!props.scaling) return;
    const scaling = props.scaling;
    const gate = scaling.gate ?? ((count: number) => count);
    const healthCheckGracePeriodSeconds = props.loadBalancer ? (props.loadBalancer.gracePeriodSeconds ?? HEALTH_CHECK_GRACE_SECONDS) : undefined;
    this.service = new EcsService(this, 'service', {
      name,
      cluster: props.clusterArn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: gate(scaling.minCount),
      // A deploy returns only once the new tasks are running and healthy (or fails when the
      // circuit breaker rolls back), instead of reporting success while the rollout is under way.
      waitForSteadyState: true,
      timeouts: { create: `${steadyStateTimeoutMinutes(props.loadBalancer?.target)}m`, update: `${steadyStateTimeoutMinutes(props.loadBalancer?.target)}m` },
      // Spot for non-prod saves ~70%; a capacity provider strategy replaces the launch type.
      ...capacity(props.fargateSpot, props.spotFrom),
      // A change of a capacity provider strategy (spotFrom's base) is applied by ECS as a new
      // deployment, which the AWS provider requires to be forced; without it the apply fails.
      ...(props.spotFrom !== undefined ? { forceNewDeployment: true } : {}),
      platformVersion: 'LATEST',
      networkConfiguration: { subnets: props.subnetIds, securityGroups: [this.securityGroupId], assignPublicIp: false },
      deploymentCircuitBreaker: { enable: true, rollback: true },
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      enableExecuteCommand: props.enableExec,
      enableEcsManagedTags: true,
      propagateTags: 'SERVICE',
      ...(props.loadBalancer
        ? {
            loadBalancer: [{ targetGroupArn: props.loadBalancer.target.targetGroup.arn, containerName: props.loadBalancer.containerName ?? APP_CONTAINER, containerPort: props.loadBalancer.target.port }],
            healthCheckGracePeriodSeconds,
            // The target group must be attached to a listener (through its rule) before a service can use it.
            dependsOn: [props.loadBalancer.target.rule],
          }
        : {}),
      ...(props.discovery ? { serviceRegistries: { registryArn: props.discovery.arn } } : {}),
      // Autoscaling owns the task count once the service exists.
      lifecycle: { ignoreChanges: ['desired_count'] },
    });
    this.serviceName = this.service.name;
    if (props.rollbackAlarms?.length) this.watchDeployments(props.rollbackAlarms);

    const target = new AppautoscalingTarget(this, 'scaling-target', {
      serviceNamespace: 'ecs',
      resourceId: `service/${props.clusterName}/${this.service.name}`,
      scalableDimension: 'ecs:service:DesiredCount',
      minCapacity: gate(scaling.minCount),
      maxCapacity: scaling.maxCount,
    });
    this.scalingTarget = target;
    const trackingPolicy = (policyId: string, metric: string, targetValue: number, resourceLabel?: string) =>
      new AppautoscalingPolicy(this, policyId, {
        name: `${name}-${policyId}`,
        policyType: 'TargetTrackingScaling',
        serviceNamespace: target.serviceNamespace,
        resourceId: target.resourceId,
        scalableDimension: target.scalableDimension,
        targetTrackingScalingPolicyConfiguration: {
          targetValue,
          predefinedMetricSpecification: { predefinedMetricType: metric, resourceLabel },
          scaleInCooldown: 120,
          scaleOutCooldown: 60,
        },
      });
    if (scaling.backlog) {
      // Backlog per task only: a CPU policy would scale in while messages wait (the two fight).
      this.backlogPolicy(name, target, props.clusterName, scaling.backlog);
      return;
    }
    trackingPolicy('cpu', 'ECSServiceAverageCPUUtilization', scaling.cpuTarget);
    if (scaling.memoryTarget !== undefined) trackingPolicy('memory', 'ECSServiceAverageMemoryUtilization', scaling.memoryTarget);
    if (props.loadBalancer && scaling.requestsPerTarget) {
      trackingPolicy('requests', 'ALBRequestCountPerTarget', scaling.requestsPerTarget, props.loadBalancer.target.requestCountResourceLabel);
    }
    if (props.loadBalancer && scaling.responseTimeTarget !== undefined) {
      this.responseTimePolicy(name, target, { loadBalancerArnSuffix: props.loadBalancer.module.arnSuffix, targetGroupArnSuffix: props.loadBalancer.target.targetGroup.arnSuffix }, scaling.responseTimeTarget);
    }
  }

  /**
   * Target tracking on the target group's average response time (Copilot's `count.response_time`
   * does the same): slow answers add tasks. Response time is not strictly proportional to the task
   * count, so it rides beside the CPU and request policies (the largest wanted count wins) and
   * scales in slowly.
   */
  private responseTimePolicy(name: string, target: AppautoscalingTarget, lb: { loadBalancerArnSuffix: string; targetGroupArnSuffix: string }, seconds: number): void {
    new AppautoscalingPolicy(this, 'response-time', {
      name: `${name}-response-time`,
      policyType: 'TargetTrackingScaling',
      serviceNamespace: target.serviceNamespace,
      resourceId: target.resourceId,
      scalableDimension: target.scalableDimension,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: seconds,
        scaleInCooldown: 300,
        scaleOutCooldown: 60,
        customizedMetricSpecification: {
          namespace: 'AWS/ApplicationELB',
          metricName: 'TargetResponseTime',
          statistic: 'Average',
          dimensions: [{ name: 'LoadBalancer', value: lb.loadBalancerArnSuffix }, { name: 'TargetGroup', value: lb.targetGroupArnSuffix }],
        },
      },
    });
  }

  /**
   * Target tracking on metric math (AWS's recommended pattern for queue workers): the messages
   * visible in the worker's queues divided by its running tasks, kept at `targetPerTask` =
   * acceptable latency / processing time per message. A burst scales out; an idle queue scales in
   * to the minimum. At zero tasks the division has no data and nothing scales out, which is why
   * validation keeps the minimum of a queue worker at 1 or more.
   */
  private backlogPolicy(name: string, target: AppautoscalingTarget, clusterName: string, backlog: NonNullable<ServiceScaling['backlog']>): void {
    const visible = backlog.queueNames.map((queue, i) => ({
      id: `visible${i}`,
      returnData: false,
      metricStat: { metric: { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: [{ name: 'QueueName', value: queue }] }, stat: 'Sum' },
    }));
    new AppautoscalingPolicy(this, 'backlog', {
      name: `${name}-backlog`,
      policyType: 'TargetTrackingScaling',
      serviceNamespace: target.serviceNamespace,
      resourceId: target.resourceId,
      scalableDimension: target.scalableDimension,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: backlog.targetPerTask,
        scaleInCooldown: 300,
        scaleOutCooldown: 60,
        customizedMetricSpecification: {
          metrics: [
            ...visible,
            {
              id: 'tasks',
              returnData: false,
              metricStat: { metric: { namespace: 'ECS/ContainerInsights', metricName: 'RunningTaskCount', dimensions: [{ name: 'ClusterName', value: clusterName }, { name: 'ServiceName', value: this.service!.name }] }, stat: 'Average' },
            },
            { id: 'backlogPerTask', expression: `(${visible.map((v) => v.id).join(' + ')}) / tasks`, label: 'Visible messages per running task', returnData: true },
          ],
        },
      },
    });
  }

  /**
   * Roll a deployment back when one of these alarms fires during it (on top of the circuit
   * breaker): a release that raises the error rate undoes itself.
   */
  watchDeployments(alarmNames: string[]): void {
    if (!this.service) throw new Error('a one-off task definition has no deployments to watch');
    this.watchedAlarms.push(...alarmNames.filter((a) => !this.watchedAlarms.includes(a)));
    this.service.putAlarms({ alarmNames: [...this.watchedAlarms], enable: true, rollback: true });
  }

}
