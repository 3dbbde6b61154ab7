/** Reading a Terraform state file (format version 4) and a synthesized cdktf stack. */

export interface StateInstance {
  /** e.g. `aws_vpc.network_vpc_4E8F0223` or `aws_route53_record.dns_x["a.example.com"]`. */
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly attributes: Record<string, any>;
}

interface StateFile {
  version: number;
  resources: { mode: string; type: string; name: string; instances: { index_key?: string | number; attributes: Record<string, any> }[] }[];
}

/** Managed resource instances of a state file, optionally of one type. */
export function stateInstances(state: StateFile, type?: string): StateInstance[] {
  if (state.version !== 4) throw new Error(`unexpected Terraform state format version ${state.version}`);
  return state.resources
    .filter((r) => r.mode === 'managed' && (!type || r.type === type))
    .flatMap((r) =>
      r.instances.map((i) => ({
        address: `${r.type}.${r.name}${i.index_key === undefined ? '' : `[${JSON.stringify(i.index_key)}]`}`,
        type: r.type,
        name: r.name,
        attributes: i.attributes,
      })),
    );
}

/** The one instance of a type (fails loudly otherwise), optionally the one whose logical name contains `part`. */
export function oneInstance(state: StateFile, type: string, part = ''): StateInstance {
  const all = stateInstances(state, type).filter((i) => i.name.includes(part));
  if (all.length !== 1) throw new Error(`expected one ${type}${part ? ` named *${part}*` : ''} in the state, found ${all.length}: ${all.map((i) => i.address).join(', ')}`);
  return all[0];
}

export interface SynthesizedStack {
  terraform: { backend?: Record<string, any> };
  provider?: Record<string, any[]>;
  resource?: Record<string, Record<string, any>>;
  data?: Record<string, Record<string, any>>;
}

/** Number of resource blocks of a type in a synthesized stack. */
export function synthesizedCount(stack: SynthesizedStack, type: string): number {
  return Object.keys(stack.resource?.[type] ?? {}).length;
}

/**
 * Every endpoint a synthesized stack would call: the AWS providers' `endpoints` and the S3
 * backend's. Providers without `endpoints` are reported as "(AWS default endpoints)".
 */
export function stackEndpoints(stack: SynthesizedStack): string[] {
  const endpoints: string[] = [];
  for (const [name, providers] of Object.entries(stack.provider ?? {})) {
    for (const p of providers) {
      const block = Array.isArray(p.endpoints) ? p.endpoints[0] : p.endpoints;
      if (!block || Object.keys(block).length === 0) endpoints.push(`${name}${p.alias ? `.${p.alias}` : ''}: (AWS default endpoints)`);
      else endpoints.push(...Object.values(block).map(String));
    }
  }
  const s3 = stack.terraform.backend?.s3;
  if (s3) {
    const block = s3.endpoints ?? {};
    if (!block.s3) endpoints.push('backend s3: (AWS default endpoint)');
    endpoints.push(...Object.values(block).map(String));
  }
  return endpoints;
}
