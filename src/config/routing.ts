import { EnvironmentConfig, HttpServiceConfig } from './types';

/**
 * How the load balancer routes: which host names and paths each HTTP service answers, and the
 * priority of its listener rule. Used by validation (conflicts, limits) and by the stack.
 */

/** The host names and paths a service's listener rule matches (hosts default to the app's). */
export function serviceRoute(env: EnvironmentConfig, service: { hosts: string[]; paths: string[] }): { hosts: string[]; paths: string[] } {
  const app = [env.domain.name, ...env.domain.appAliases.map((a) => `${a}.${env.domain.name}`)];
  const hosts = service.hosts.map((h) => (h.includes('.') ? h : `${h}.${env.domain.name}`));
  return { hosts: hosts.length > 0 ? hosts : app, paths: service.paths };
}

/** Every host name the load balancer serves (its certificate's names): the app's and the services'. */
export function loadBalancerHostNames(env: EnvironmentConfig): string[] {
  const app = [env.domain.name, ...env.domain.appAliases.map((a) => `${a}.${env.domain.name}`)];
  return [...new Set([...app, ...env.compute.services.flatMap((s) => serviceRoute(env, s).hosts)])];
}

/** Where a claimed host name is served from: its DNS record points there. */
export type HostTarget = 'load balancer' | 'CloudFront';

/** One claim on a host name: who serves it, from which config field, and where its DNS points. */
export interface HostClaim {
  readonly host: string;
  /** Readable claimant: `the web service`, `HTTP service "api"`, `the static files CDN`. */
  readonly owner: string;
  /** The config field the claim comes from (`domain.appAliases[0]`). */
  readonly field: string;
  readonly target: HostTarget;
  /** A load-balancer claim that takes every request of the host (no path condition). */
  readonly wholeHost: boolean;
}

/**
 * Every host name an environment puts in DNS or in the load balancer's routing, with its claimant:
 * the web service (the domain and its aliases), each HTTP service naming hosts of its own, and the
 * CDN of the static files. Validation requires one owner per name (routing.ts callers: validate.ts).
 */
export function hostClaims(env: EnvironmentConfig): HostClaim[] {
  const domain = env.domain;
  const lb = (host: string, owner: string, field: string, wholeHost: boolean): HostClaim => ({ host, owner, field, target: 'load balancer', wholeHost });
  // The environment's own names first, then what the services add (a conflict is reported on the later claim).
  return [
    lb(domain.name, 'the web service', 'domain.name', true),
    ...domain.appAliases.map((a, i) => lb(`${a}.${domain.name}`, 'the web service', `domain.appAliases[${i}]`, true)),
    { host: `${domain.staticLabel}.${domain.name}`, owner: 'the static files CDN', field: 'domain.staticLabel', target: 'CloudFront', wholeHost: true },
    ...env.compute.services.flatMap((svc, i) =>
      svc.hosts.map((h, j) => lb(serviceRoute(env, { hosts: [h], paths: [] }).hosts[0], `HTTP service "${svc.name}"`, `compute.services[${i}].hosts[${j}]`, svc.paths.length === 0)),
    ),
  ];
}

/**
 * Two claims that cannot share a host: different targets (the DNS record can point at one), or
 * two claimants that would each take every request of it on the load balancer (the first rule
 * would silently get the other's traffic). Claims that route different paths of one host share it.
 */
export function conflictingClaims(a: HostClaim, b: HostClaim): boolean {
  if (a.host !== b.host || a.owner === b.owner) return false;
  return a.target !== b.target || (a.wholeHost && b.wholeHost);
}

/** Listener rule priority of the web service: the last rule, so every other route is matched first. */
export const DEFAULT_ROUTE_PRIORITY = 50000;

/** FNV-1a of a name: stable across runs and independent of any other service. */
function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (const ch of text) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return hash;
}

/**
 * A service's listener rule priority: the configured one, or derived from the name inside a band
 * by how specific the rule is (host and path 1000-8999, path only 11000-18999, host only
 * 21000-28999), so more specific rules are evaluated first and adding a service never moves
 * another one's rule. Validation rejects two services landing on one priority.
 */
export function rulePriority(service: Pick<HttpServiceConfig, 'name' | 'hosts' | 'paths' | 'priority'>): number {
  if (service.priority !== undefined) return service.priority;
  const band = service.hosts.length > 0 && service.paths.length > 0 ? 1000 : service.paths.length > 0 ? 11000 : 21000;
  return band + (stableHash(service.name) % 8000);
}
