import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Terraform for tests. On a machine without internet, Terraform must install hashicorp/aws from a
 * local filesystem mirror: we look for one at run time (TF_PROVIDER_MIRROR, then the usual plugin
 * directories) and write a CLI config that uses it. With no mirror, Terraform's defaults apply
 * (registry download, as on a developer machine with internet).
 */
const MIRROR_CANDIDATES = [
  process.env.TF_PROVIDER_MIRROR,
  path.join(os.homedir(), '.terraform.d', 'plugins'),
  path.join(os.homedir(), '.local', 'share', 'terraform', 'plugins'),
  '/usr/local/share/terraform/plugins',
  '/usr/share/terraform/plugins',
  '/opt/tf-plugins',
  '/opt/terraform/plugins',
].filter((p): p is string => Boolean(p));

export function findProviderMirror(): string | undefined {
  return MIRROR_CANDIDATES.find((dir) => fs.existsSync(path.join(dir, 'registry.terraform.io', 'hashicorp', 'aws')));
}

let cliConfig: string | undefined;
/** Environment for terraform child processes: CLI config (mirror + plugin cache), no telemetry. */
export function terraformEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  if (!cliConfig) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfcli-'));
    const cacheDir = path.join(os.tmpdir(), 'tf-plugin-cache');
    fs.mkdirSync(cacheDir, { recursive: true });
    const mirror = findProviderMirror();
    const installation = mirror
      ? `provider_installation {\n  filesystem_mirror {\n    path    = "${mirror}"\n    include = ["registry.terraform.io/hashicorp/*"]\n  }\n  direct {\n    exclude = ["registry.terraform.io/hashicorp/*"]\n  }\n}\n`
      : '';
    cliConfig = path.join(dir, 'terraformrc');
    fs.writeFileSync(cliConfig, `plugin_cache_dir = "${cacheDir}"\n${installation}`);
  }
  return { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', ...extra };
}

export function terraform(dir: string, args: string[], extraEnv: Record<string, string> = {}): string {
  try {
    return execFileSync('terraform', args, { cwd: dir, env: terraformEnv(extraEnv), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`terraform ${args.join(' ')} failed in ${dir}:\n${err.stdout ?? ''}\n${err.stderr ?? err.message}`);
  }
}

export interface ValidateResult {
  valid: boolean;
  error_count: number;
  diagnostics: { severity: string; summary: string; detail: string }[];
}

/** `terraform init -backend=false` then `terraform validate -json` in a synthesized stack folder. */
export function validateStack(dir: string): ValidateResult {
  terraform(dir, ['init', '-backend=false', '-input=false', '-no-color']);
  try {
    return JSON.parse(terraform(dir, ['validate', '-json', '-no-color']));
  } catch (e) {
    // validate exits 1 on errors but still prints JSON on stdout.
    const text = (e as Error).message;
    const json = text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1);
    return JSON.parse(json);
  }
}

function terraformAsync(dir: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('terraform', args, { cwd: dir, env: terraformEnv(), encoding: 'utf8', maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/**
 * validateStack for several folders at once: each validation is a separate terraform process, so
 * they run side by side on the machine's cores instead of one after the other.
 */
export async function validateStacks(dirs: string[]): Promise<Record<string, ValidateResult>> {
  // Inits one after the other (they share the plugin cache, which is not safe for concurrent
  // installs); the validations, where the time goes (loading the provider's schema), side by side.
  for (const dir of dirs) terraform(dir, ['init', '-backend=false', '-input=false', '-no-color']);
  const results = await Promise.all(dirs.map(async (dir) => {
    const validate = await terraformAsync(dir, ['validate', '-json', '-no-color']);
    return [dir, JSON.parse(validate.stdout) as ValidateResult] as const;
  }));
  return Object.fromEntries(results);
}

/** The error diagnostics of each validated folder, keyed by its stack name: `{}` for each when all passed. */
export function validationErrors(results: Record<string, ValidateResult>): Record<string, ValidateResult['diagnostics']> {
  return Object.fromEntries(Object.entries(results).map(([dir, r]) => [dir.split(/[\\/]/).pop()!, r.diagnostics.filter((d) => d.severity === 'error')]));
}
