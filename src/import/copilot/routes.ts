import { Context } from './context';
import { ManifestReader, isRecord } from './reader';

/** Host names of `http.alias` (a string, a list of strings, or a list of {name, hosted_zone}). */
export function aliases(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.map((a) => (isRecord(a) ? String(a.name) : String(a)));
}

/** `api`, `/api/` -> `api`; `/` and nothing -> `` (every path). */
const trimmedPath = (path: unknown) => String(path ?? '').replace(/^\/+|\/+$/g, '');

/** A Copilot path as the listener rule's path patterns (the path itself and everything under it). */
export const pathPatterns = (path: unknown): string[] => {
  const trimmed = trimmedPath(path);
  return trimmed ? [`/${trimmed}`, `/${trimmed}/*`] : [];
};

/**
 * `http.additional_rules`: more listener rules to the same service. A service here has one target
 * group (one container, port and health check) and one rule, so an additional rule is carried
 * over when it sends to the same container and port with nothing of its own, and it only widens
 * the rule exactly: more paths on the same host names, or more host names on the same path. On the
 * web service (the default route) a rule on its own host names is answered already. Anything else
 * is listed with the way over (a service of its own).
 */
export function additionalRules(r: ManifestReader, ctx: Context, route: { isWeb: boolean; name: string; hosts: string[]; path: unknown; service: Record<string, unknown> }): void {
  const rules = r.peek<unknown[]>('http.additional_rules');
  if (!Array.isArray(rules)) return;
  const mainContainer = r.peek<string>('http.target_container') ?? route.name;
  // One kind of widening per service: more paths AND more hosts would also match the new hosts'
  // combinations with the new paths, which no Copilot rule routed.
  let widened: 'paths' | 'hosts' | undefined;
  const mainPort = r.peek('image.port') ?? r.peek('http.target_port');
  rules.forEach((rule, i) => {
    const f = `http.additional_rules[${i}]`;
    if (!isRecord(rule)) return;
    const same = (key: string, value: unknown) => (key === 'target_container' && (value === mainContainer || (mainContainer === route.name && value === route.name))) || (key === 'target_port' && Number(value) === Number(mainPort));
    const own = Object.entries(rule).filter(([key, value]) => !['path', 'alias'].includes(key) && !same(key, value)).map(([key]) => key);
    const ownService = `make it an HTTP service of its own (compute.services[] with these hosts/paths, running the same image with its own command and port)`;
    if (own.length > 0) {
      r.skip(f, `this rule has its own ${own.join(', ')}: a service here has one target group (one container, port, health check and stickiness) behind one rule; ${ownService}`);
      return;
    }
    const hosts = rule.alias === undefined ? route.hosts : aliases(rule.alias);
    const sameHosts = hosts.length === route.hosts.length && hosts.every((h) => route.hosts.includes(h));
    const path = trimmedPath(rule.path);
    if (route.isWeb) {
      // The web service answers every path of its host names.
      const added = hosts.filter((h) => !ctx.hosts.includes(h));
      if (added.length > 0 && path !== '') {
        r.skip(f, `the web service answers every path of its host names: adding ${added.join(', ')} for ${rule.path} only would serve all of its paths; ${ownService}`);
        return;
      }
      r.take(f);
      ctx.hosts.push(...added);
      ctx.notes.push(`${route.name} (${r.file}): additional rule ${i} (${rule.path ?? '/'}${added.length > 0 ? ` on ${added.join(', ')}` : ''}) is answered by the web service, the default route of every app host name`);
      return;
    }
    const service = route.service;
    const both = `widening its rule by both host names and paths would route combinations no Copilot rule did; ${ownService}`;
    if (sameHosts) {
      if (widened === 'hosts') return r.skip(f, both);
      const patterns = pathPatterns(rule.path);
      if (patterns.length === 0) delete service.paths; // the rule takes every path of these hosts
      else if (service.paths) service.paths = [...new Set([...(service.paths as string[]), ...patterns])];
      // A service on every path of its hosts already answers this one.
      widened = 'paths';
    } else if (path === trimmedPath(route.path)) {
      if (widened === 'paths') return r.skip(f, both);
      // A service without host names of its own is on the app's: names of its own would take it off them.
      if (route.hosts.length === 0) return r.skip(f, `the service answers the app's host names (it has no alias): adding ${hosts.join(', ')} would take it off them; give the service its aliases (http.alias), or ${ownService}`);
      service.hosts = [...new Set([...route.hosts, ...hosts])];
      widened = 'hosts';
    } else {
      r.skip(f, `this rule has other host names and another path than the service's: one rule here matches host AND path, so merging them would route more than either; ${ownService}`);
      return;
    }
    r.take(f);
  });
}
