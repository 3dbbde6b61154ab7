import { EnvironmentConfig } from '../../src/config/types';
import { environmentProblems } from '../../src/config/validate';

/** Expects exactly the environment + field to be rejected, with a message that contains `fix`. */
export function expectRejected(config: EnvironmentConfig, field: string, fix: RegExp): void {
  const problems = environmentProblems(config);
  const matching = problems.filter((p) => p.startsWith(`environment "${config.name}": ${field} `));
  if (matching.length !== 1) throw new Error(`expected one problem for ${field}, got:\n${problems.join('\n')}`);
  expect(matching[0]).toMatch(fix);
}
