import * as fs from 'fs';
import * as path from 'path';
import { LineCounter, Node, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { FieldTree, fieldTree } from './fields';
import { ManifestKind } from './spec';
import { isRecord } from './reader';

/**
 * Reads a Copilot workspace the way Copilot does (aws.github.io/copilot-cli/docs/manifest/overview):
 * `copilot/.workspace` (the application), `copilot/<workload>/manifest.yml` of every workload,
 * `copilot/environments/<env>/manifest.yml`, and the CloudFormation addons under
 * `copilot/**\/addons/`. Every key is checked against Copilot's documented fields (spec.ts): an
 * unparsable file, an unknown workload type or an unknown key fails with the file, the line and
 * the field. Nothing is mapped here (mapping.ts does that).
 */

/** A problem in the workspace: the file, the line (1-based, when known) and the field. */
export class CopilotImportError extends Error {
  constructor(readonly file: string, readonly line: number | undefined, readonly field: string | undefined, message: string) {
    super(`${file}${line ? `:${line}` : ''}${field ? `: ${field}` : ''}: ${message}`);
    this.name = 'CopilotImportError';
  }
}

export const WORKLOAD_KINDS: readonly ManifestKind[] = ['Load Balanced Web Service', 'Backend Service', 'Worker Service', 'Scheduled Job', 'Request-Driven Web Service', 'Static Site'];

export interface Manifest {
  /** Path relative to the repository, for messages (`copilot/web/manifest.yml`). */
  readonly file: string;
  readonly name: string;
  readonly kind: ManifestKind;
  /** The manifest as plain data, `environments` overrides not merged. */
  readonly body: Record<string, unknown>;
  /** The line of a dotted field path (`http.healthcheck.path`), for messages. */
  readonly lineOf: (field: string) => number | undefined;
}

export interface Addon {
  readonly file: string;
  /** CloudFormation resources: logical id and type. */
  readonly resources: { readonly name: string; readonly type: string }[];
}

export interface Workspace {
  readonly application: string;
  readonly workloads: Manifest[];
  readonly environments: Manifest[];
  readonly addons: Addon[];
  /** The variables of every `env_file` a manifest names (its own, its sidecars', per environment), by the path it gives. */
  readonly envFiles: Record<string, Record<string, string>>;
}

/**
 * An environment file as ECS reads it (ECS developer guide, "Pass an individual environment
 * variable to an Amazon ECS container", environment files): one `VARIABLE=VALUE` per line, blank
 * lines and lines starting with `#` ignored, the value taken literally (no quotes removed, no
 * shell escapes), so a dotenv parser would read some values differently from ECS.
 */
export function parseEnvFile(text: string, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const eq = line.indexOf('=');
    // The ECS agent skips a line without "=" and a variable without a value (`KEY=`): so does this.
    if (eq < 0 || eq === line.length - 1) return;
    const name = line.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new CopilotImportError(file, i + 1, undefined, `sets "${name.slice(0, 40)}", which ECS would take as the variable's name whole (no shell: no "export", no spaces): write NAME=value`);
    out[name] = line.slice(eq + 1);
  });
  return out;
}

/** The `env_file` paths of a manifest, with the field naming each (for messages). */
function envFileFields(manifest: Manifest): { field: string; path: string }[] {
  const out: { field: string; path: string }[] = [];
  const collect = (body: Record<string, unknown>, prefix: string) => {
    if (typeof body.env_file === 'string') out.push({ field: `${prefix}env_file`, path: body.env_file });
    if (isRecord(body.sidecars)) {
      for (const [name, sidecar] of Object.entries(body.sidecars)) {
        if (isRecord(sidecar) && typeof sidecar.env_file === 'string') out.push({ field: `${prefix}sidecars.${name}.env_file`, path: sidecar.env_file });
      }
    }
  };
  collect(manifest.body, '');
  if (isRecord(manifest.body.environments)) {
    for (const [env, override] of Object.entries(manifest.body.environments)) if (isRecord(override)) collect(override, `environments.${env}.`);
  }
  return out;
}

/** Reads every env_file of the workloads, relative to the repository (where Copilot reads them from). */
function readEnvFiles(repository: string, workloads: Manifest[]): Record<string, Record<string, string>> {
  const files: Record<string, Record<string, string>> = {};
  for (const manifest of workloads) {
    for (const { field, path: relative } of envFileFields(manifest)) {
      if (relative in files) continue;
      const absolute = path.join(repository, relative);
      if (!fs.existsSync(absolute)) {
        throw new CopilotImportError(manifest.file, manifest.lineOf(field), field.replace(/^environments\.[^.]+\./, ''), `names "${relative}", which does not exist: Copilot reads env files relative to the repository root (the folder holding copilot/)`);
      }
      files[relative] = parseEnvFile(fs.readFileSync(absolute, 'utf8'), relative);
    }
  }
  return files;
}


/** Parses YAML keeping positions; a syntax error is reported with its line. */
function parseYaml(text: string, file: string): { value: unknown; root: Node | null; lines: LineCounter } {
  const lines = new LineCounter();
  // CloudFormation addons use short-form intrinsics (!Ref, !Sub ...): unknown tags are only
  // warnings for the yaml library, and the values stay plain.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0]?.line ?? lines.linePos(error.pos[0]).line;
    throw new CopilotImportError(file, line, undefined, `not valid YAML: ${error.message.split('\n')[0]}`);
  }
  return { value: doc.toJS(), root: doc.contents, lines };
}


/** Line of a dotted path in a parsed document (list items as numbers: `sidecars.nginx.port`, `http.additional_rules.0.path`). */
function lineFinder(root: Node | null, lines: LineCounter): (field: string) => number | undefined {
  return (field) => {
    let node: unknown = root;
    let line: number | undefined = (root as Node | null)?.range ? lines.linePos((root as Node).range![0]).line : undefined;
    for (const step of field.split('.')) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === step);
        if (!pair) return line;
        const key = pair.key as Node;
        if (key.range) line = lines.linePos(key.range[0]).line;
        node = pair.value;
      } else if (isSeq(node) && /^\d+$/.test(step)) {
        node = node.items[Number(step)];
        if ((node as Node | undefined)?.range) line = lines.linePos((node as Node).range![0]).line;
      } else return line;
    }
    return line;
  };
}

/**
 * Checks every key of a manifest against the documented fields: the first unknown one fails with
 * its line and the closest documented name. `environments.<env>` overrides are checked like the
 * manifest itself.
 */
function checkKeys(value: unknown, tree: FieldTree, file: string, lineOf: (field: string) => number | undefined, prefix = ''): void {
  // A free-form value (an SNS filter policy, a task definition override): anything below it goes.
  if (tree.children.has('**')) return;
  if (Array.isArray(value)) {
    const item = tree.children.get('[]');
    value.forEach((v, i) => {
      if (isRecord(v) || Array.isArray(v)) {
        if (!item) throw new CopilotImportError(file, lineOf(`${prefix}.${i}`), `${prefix}[${i}]`, 'is a list of objects where Copilot documents a list of values');
        checkKeys(v, item, file, lineOf, `${prefix}.${i}`);
      }
    });
    return;
  }
  if (!isRecord(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const field = prefix ? `${prefix}.${key}` : key;
    const next = tree.children.get(key) ?? tree.children.get('*');
    if (!next) {
      const known = [...tree.children.keys()].filter((k) => k !== '*' && k !== '[]');
      const hint = known.length > 0 ? `; documented here: ${known.join(', ')}` : '';
      throw new CopilotImportError(file, lineOf(field), field.replace(/\.(\d+)(?=\.|$)/g, '[$1]'), `is not a field Copilot documents for this manifest${hint}`);
    }
    checkKeys(child, next, file, lineOf, field);
  }
}

function readManifest(root: string, relative: string, expected?: 'Environment'): Manifest {
  const file = relative.split(path.sep).join('/');
  const { value, root: node, lines } = parseYaml(fs.readFileSync(path.join(root, relative), 'utf8'), file);
  if (!isRecord(value)) throw new CopilotImportError(file, 1, undefined, 'is not a YAML map: a Copilot manifest starts with `name:` and `type:`');
  const lineOf = lineFinder(node, lines);
  const type = value.type;
  const kind = (expected ?? type) as ManifestKind;
  if (expected && type !== 'Environment') throw new CopilotImportError(file, lineOf('type'), 'type', `is ${JSON.stringify(type)}: an environment manifest has type "Environment"`);
  if (!expected && !WORKLOAD_KINDS.includes(kind)) {
    throw new CopilotImportError(file, lineOf('type'), 'type', `is ${JSON.stringify(type)}, not a Copilot workload type: use one of ${WORKLOAD_KINDS.map((k) => `"${k}"`).join(', ')}`);
  }
  const name = typeof value.name === 'string' ? value.name : path.basename(path.dirname(relative));
  const { environments, ...rest } = value;
  const tree = fieldTree(kind);
  checkKeys(rest, tree, file, lineOf);
  if (environments !== undefined) {
    if (!isRecord(environments)) throw new CopilotImportError(file, lineOf('environments'), 'environments', 'is not a map of environment names to overrides');
    for (const [env, override] of Object.entries(environments)) {
      if (override !== null && !isRecord(override)) throw new CopilotImportError(file, lineOf(`environments.${env}`), `environments.${env}`, 'is not a map of overrides');
      checkKeys(override ?? {}, tree, file, lineOf, `environments.${env}`);
    }
  }
  return { file, name, kind, body: value, lineOf };
}

function readAddons(root: string, dir: string): Addon[] {
  const absolute = path.join(root, dir);
  if (!fs.existsSync(absolute)) return [];
  return fs.readdirSync(absolute).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => {
    const file = `${dir}/${f}`.split(path.sep).join('/');
    const { value } = parseYaml(fs.readFileSync(path.join(absolute, f), 'utf8'), file);
    const resources = isRecord(value) && isRecord(value.Resources) ? value.Resources : {};
    return { file, resources: Object.entries(resources).map(([name, r]) => ({ name, type: isRecord(r) && typeof r.Type === 'string' ? r.Type : '(no Type)' })) };
  });
}

/** Reads `<repository>/copilot/`; says what it looked for when there is nothing to import. */
export function readWorkspace(repository: string): Workspace {
  const copilot = path.join(repository, 'copilot');
  if (!fs.existsSync(copilot) || !fs.statSync(copilot).isDirectory()) {
    throw new CopilotImportError(path.join(repository, 'copilot'), undefined, undefined, 'not found: point the command at the repository that holds the copilot/ folder (with copilot/.workspace and copilot/<service>/manifest.yml)');
  }
  const workspaceFile = path.join(copilot, '.workspace');
  let application = '';
  if (fs.existsSync(workspaceFile)) {
    const { value } = parseYaml(fs.readFileSync(workspaceFile, 'utf8'), 'copilot/.workspace');
    application = isRecord(value) && typeof value.application === 'string' ? value.application : '';
  }
  if (!application) throw new CopilotImportError('copilot/.workspace', 1, 'application', 'is missing: the file names the Copilot application (`application: <name>`), which becomes the project name');

  const workloads: Manifest[] = [];
  const environments: Manifest[] = [];
  const addons: Addon[] = [];
  for (const entry of fs.readdirSync(copilot, { withFileTypes: true }).filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name === 'environments') {
      for (const env of fs.readdirSync(path.join(copilot, 'environments'), { withFileTypes: true }).filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
        const relative = path.join('copilot', 'environments', env.name, 'manifest.yml');
        if (fs.existsSync(path.join(repository, relative))) environments.push({ ...readManifest(repository, relative, 'Environment'), name: env.name });
        addons.push(...readAddons(repository, path.join('copilot', 'environments', 'addons')));
      }
      continue;
    }
    const relative = path.join('copilot', entry.name, 'manifest.yml');
    if (!fs.existsSync(path.join(repository, relative))) continue;
    workloads.push(readManifest(repository, relative));
    addons.push(...readAddons(repository, path.join('copilot', entry.name, 'addons')));
  }
  if (workloads.length === 0) throw new CopilotImportError('copilot/', undefined, undefined, 'has no workload: looked for copilot/<name>/manifest.yml (create them with `copilot svc init` / `copilot job init`)');
  if (environments.length === 0) throw new CopilotImportError('copilot/environments/', undefined, undefined, 'has no environment: looked for copilot/environments/<env>/manifest.yml (`copilot env init` writes them; older apps: run `copilot env show --manifest` per environment)');
  // Environment addons are read once.
  const unique = [...new Map(addons.map((a) => [a.file, a])).values()];
  return { application, workloads, environments, addons: unique, envFiles: readEnvFiles(repository, workloads) };
}
