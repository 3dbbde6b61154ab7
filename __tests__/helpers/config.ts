import { EnvironmentConfig } from '../../src/config/types';
import { validateEnvironment } from '../../src/config/validate';

/** Expects exactly the environment + field to be rejected, with a message that contains `fix`. */
export function expectRejected(config: EnvironmentConfig, field: string, fix: RegExp): void {
  const problems = validateEnvironment(config);
  const matching = problems.filter((p) => p.startsWith(`environment "${config.name}": ${field} `));
  expect(matching).toHaveLength(1);
  expect(matching[0]).toMatch(fix);
}
