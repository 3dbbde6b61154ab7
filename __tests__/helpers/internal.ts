import { defineEnvironment } from '../../src/config/defaults';
import { EnvironmentConfig } from '../../src/config/types';
import { withConfig } from './synth';

/** An environment with an internal service `pricing` on port 9000 (Copilot's Backend Service), called by `calledBy`. */
export function withInternalService(base: EnvironmentConfig, calledBy: string[] = []): EnvironmentConfig {
  const defaults = defineEnvironment({
    name: base.name, production: base.production, project: base.project, region: base.region, accountId: base.accountId,
    domain: { name: base.domain.name }, network: { cidr: '10.0.0.0/16' },
    compute: { internalServices: [{ name: 'pricing', containerPort: 9000, command: ['python', '-m', 'pricing'], calledBy }] },
  }).compute.internalServices;
  return withConfig(base, (c) => (c.compute.internalServices = defaults));
}
