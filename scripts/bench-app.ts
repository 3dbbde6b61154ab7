/**
 * Benchmark entry: the real app with BENCH_ENVS environments (default 2). Environments beyond the
 * shipped two are copies of staging with their own name, CIDR, domain and GitHub environment, so validation passes and
 * every stack is as large as a real one. Used by `npm run bench` to measure growth; never deployed.
 */
import { App } from 'cdktf';
import { buildApp } from '../src/app';
import { environments, staging } from '../src/config/environments';
import { EnvironmentConfig } from '../src/config/types';

const count = Number(process.env.BENCH_ENVS ?? '2');
if (!Number.isInteger(count) || count < 1 || count > 200) throw new Error(`BENCH_ENVS must be 1-200, got ${process.env.BENCH_ENVS}`);

const copies: EnvironmentConfig[] = Array.from({ length: Math.max(0, count - environments.length) }, (_, i) => {
  const name = `env${i + 3}`;
  const copy = structuredClone(staging);
  copy.name = name;
  copy.network.cidr = `10.${100 + i}.0.0/16`;
  copy.domain.name = `${name}.example.com`;
  // Resolved defaults follow the domain only through defineEnvironment: the copy's e-mail moves with it.
  if (copy.email) copy.email = { ...copy.email, domain: copy.domain.name, from: [`no-reply@${copy.domain.name}`] };
  if (copy.delivery) copy.delivery.github.environment = name;
  return copy;
});

const app = new App();
buildApp(app, [...environments, ...copies].slice(0, count));
app.synth();
