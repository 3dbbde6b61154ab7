import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdktf';
import { EnvironmentConfig } from '../../src/config/types';
import { prod, staging } from '../../src/config/environments';
import { WebAppStack, WebAppStackOptions } from '../../src/stacks/web-app-stack';

export type TfJson = {
  terraform: Record<string, any>;
  provider: Record<string, any[]>;
  resource: Record<string, Record<string, any>>;
  data?: Record<string, Record<string, any>>;
  output?: Record<string, { value: unknown; sensitive?: boolean; description?: string }>;
};

/** Synthesizes one environment stack and returns its Terraform JSON. */
export function synthEnv(config: EnvironmentConfig, options: WebAppStackOptions = {}): TfJson {
  const app = Testing.app();
  const stack = new WebAppStack(app, config, options);
  return JSON.parse(Testing.synth(stack));
}

const synthesized = new Map<string, TfJson>();
/**
 * synthEnv once per test file for the same config and options (a synth costs about half a second
 * of CPU): every caller gets its own copy, to change as it likes.
 */
export function synthEnvOnce(config: EnvironmentConfig, options: WebAppStackOptions = {}): TfJson {
  const key = JSON.stringify([config, options]);
  if (!synthesized.has(key)) synthesized.set(key, synthEnv(config, options));
  return structuredClone(synthesized.get(key)!);
}

/** Where jest's global setup wrote the shipped stacks (helpers/global-setup.ts). */
export const SHIPPED_DIR_VARIABLE = 'WEBAPP_TEST_SHIPPED_DIR';

const cache = new Map<string, TfJson>();
/**
 * The shipped environments: synthesized once per jest run by the global setup (read here, one copy
 * per test file), or here when a file runs without it.
 */
export function shipped(name: 'staging' | 'prod'): TfJson {
  if (!cache.has(name)) {
    const dir = process.env[SHIPPED_DIR_VARIABLE];
    const file = dir ? path.join(dir, `${name}.json`) : undefined;
    cache.set(name, file && fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : synthEnv(name === 'prod' ? prod : staging));
  }
  return cache.get(name)!;
}

/** All resources of one type, as [logical name, body] pairs. */
export function resourcesOf(json: TfJson, type: string): [string, any][] {
  return Object.entries(json.resource?.[type] ?? {});
}

/** Exactly one resource of a type (fails loudly when there are several or none). */
export function onlyResource(json: TfJson, type: string): any {
  const all = resourcesOf(json, type);
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}: ${all.map(([n]) => n).join(', ')}`);
  return all[0][1];
}

/** All data sources of one type. */
export function dataOf(json: TfJson, type: string): [string, any][] {
  return Object.entries(json.data?.[type] ?? {});
}

/** Deep copy of a config with a change applied: configs stay data, tests never mutate the shipped ones. */
export function withConfig(base: EnvironmentConfig, change: (c: EnvironmentConfig) => void): EnvironmentConfig {
  const copy = structuredClone(base);
  change(copy);
  return copy;
}

/** A config without the email section (and the mailer no longer consuming the SES feedback queue). */
export function withoutEmail(c: EnvironmentConfig): void {
  delete c.email;
  c.compute.workers.forEach((w) => (w.queues = w.queues.filter((q) => q !== 'email-feedback')));
}

/** The email section moved to another domain (defaults resolve email.domain and email.from from the domain once). */
export function emailAt(c: EnvironmentConfig, domain: string): void {
  if (!c.email) return;
  c.email.domain = domain;
  c.email.from = [`no-reply@${domain}`];
}

/** Parses an IAM policy document rendered into the JSON (tokens stay as ${...} strings). */
export function policyOf(text: string): { Statement: any[] } {
  return JSON.parse(text);
}

/** `${aws_x.name.attr}` reference string for a resource. */
export function ref(type: string, name: string, attr: string): string {
  return `\${${type}.${name}.${attr}}`;
}

/** Name of the security group a `${aws_security_group.x.id}` reference points at (undefined otherwise). */
export function securityGroupName(json: TfJson, reference: string | undefined): string | undefined {
  const logical = /aws_security_group\.([\w-]+)\.id/.exec(reference ?? '')?.[1];
  const group = logical ? json.resource.aws_security_group?.[logical] : undefined;
  // Groups are named by prefix (`<name>-`) and tagged with the readable name.
  return group ? group.tags?.Name ?? group.name ?? String(group.name_prefix).replace(/-$/, '') : undefined;
}

/** Rules of a type (ingress or egress) attached to the security group with this name. */
export function rulesOfGroup(json: TfJson, type: 'ingress' | 'egress', groupName: string): any[] {
  return resourcesOf(json, `aws_vpc_security_group_${type}_rule`)
    .map(([, rule]) => rule)
    .filter((rule) => securityGroupName(json, rule.security_group_id) === groupName);
}
