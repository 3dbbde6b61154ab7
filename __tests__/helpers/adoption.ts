import { prod, staging } from '../../src/config/environments';
import { EnvironmentConfig } from '../../src/config/types';
import { withConfig } from './synth';

/** What a moving app brings: ids in the shape AWS gives them (the account is the example one). */
export const EXISTING = {
  vpcId: 'vpc-0a1b2c3d4e5f67890',
  publicSubnetIds: ['subnet-0aaa0000000000001', 'subnet-0aaa0000000000002', 'subnet-0aaa0000000000003'],
  privateSubnetIds: ['subnet-0bbb0000000000001', 'subnet-0bbb0000000000002', 'subnet-0bbb0000000000003'],
  loadBalancerCertificate: 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
  cdnCertificate: 'arn:aws:acm:us-east-1:123456789012:certificate/66666666-7777-8888-9999-000000000000',
  instance: 'legacy-db',
  staticBucket: 'legacy-static-files',
  mediaBucket: 'legacy-user-uploads',
};

/** An environment that adopts everything this project can adopt (VPC, both certificates, the instance, both buckets). */
export function adoptingEverything(base: EnvironmentConfig = staging): EnvironmentConfig {
  const azs = base.network.azCount;
  return withConfig(base, (c) => {
    delete c.network.cidr;
    c.network.existing = { vpcId: EXISTING.vpcId, publicSubnetIds: EXISTING.publicSubnetIds.slice(0, azs), privateSubnetIds: EXISTING.privateSubnetIds.slice(0, azs) };
    c.network.flowLogs = false;
    c.domain.certificates = { loadBalancer: EXISTING.loadBalancerCertificate, cdn: EXISTING.cdnCertificate };
    c.database.adopt = { identifier: EXISTING.instance };
    c.assets.adopt = { static: EXISTING.staticBucket, media: EXISTING.mediaBucket };
  });
}

/** An environment in a new VPC whose database is restored from a snapshot. */
export function restoring(snapshot: string, base: EnvironmentConfig = prod): EnvironmentConfig {
  return withConfig(base, (c) => {
    c.database.restoreFrom = { snapshot };
  });
}
