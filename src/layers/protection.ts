import { Construct } from 'constructs';
import { TerraformProvider } from 'cdktf';
import { EnvironmentConfig } from '../config/types';
import { resourceName } from '../lib/naming';
import { DatabaseModule } from '../modules/database';
import { NightSchedule } from '../modules/night-schedule';
import { WebAcl } from '../modules/waf';
import { ComputeLayer } from './compute';
import { EdgeLayer } from './edge';
import { Layer } from './layer';
import { WorkloadsLayer } from './workloads';

export interface ProtectionLayerProps {
  readonly config: EnvironmentConfig;
  readonly usEast1: TerraformProvider;
  readonly database: DatabaseModule;
  readonly edge: EdgeLayer;
  readonly compute: ComputeLayer;
  readonly workloads: WorkloadsLayer;
}

/**
 * What protects the environment and its costs: the WAF in front of the load balancer (and
 * optionally CloudFront), and the night schedule of a non-production environment.
 */
export class ProtectionLayer extends Layer {
  readonly webAcl?: WebAcl;
  readonly cdnAcl?: WebAcl;
  readonly nightSchedule?: NightSchedule;

  constructor(scope: Construct, id: string, props: ProtectionLayerProps) {
    super(scope, id);
    const { config, compute, workloads, edge, database } = props;
    const prefix = resourceName(config);
    if (config.waf.mode !== 'off') {
      this.webAcl = new WebAcl(this, 'waf', { name: prefix, scope: 'REGIONAL', waf: config.waf, associateWith: compute.loadBalancer.loadBalancer.arn, appRules: true });
      if (config.waf.cloudfront) {
        // CLOUDFRONT-scoped ACLs (and their log groups) exist only in us-east-1.
        this.cdnAcl = new WebAcl(this, 'waf-cdn', { name: `${prefix}-cdn`, scope: 'CLOUDFRONT', waf: config.waf, provider: props.usEast1, appRules: false });
        edge.assets.distribution.webAclId = this.cdnAcl.acl.arn;
      }
    }
    if (config.schedule) {
      this.nightSchedule = new NightSchedule(this, 'night', {
        namePrefix: prefix,
        schedule: config.schedule,
        accountId: config.accountId,
        region: config.region,
        services: workloads.longRunning.map((s) => ({
          name: s.name,
          resourceId: s.module.scalingTarget!.resourceId,
          minCapacity: compute.gate(s.minCount),
          maxCapacity: compute.gate(s.maxCount),
          target: s.module.scalingTarget!,
        })),
        database: { identifier: database.instance.identifier, arn: database.instance.arn },
      });
    }
  }
}
