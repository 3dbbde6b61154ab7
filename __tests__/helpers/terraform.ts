import { execFile, execFileSync } from 'child_process';

/**
 * Terraform for tests: the CLI config with the local provider mirror and the plugin cache comes
 * from src/lib/terraform-cli.ts, which the sandbox and the commands use too.
 */
export { findProviderMirror, terraformEnv } from '../../src/lib/terraform-cli';
import { terraformEnv } from '../../src/lib/terraform-cli';

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
