import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Terraform on this machine, for the tests, the sandbox and the commands. On a machine without
 * internet, Terraform must install hashicorp/aws from a local filesystem mirror: we look for one at
 * run time (TF_PROVIDER_MIRROR, then the usual plugin directories) and write a CLI config that uses it. With no mirror, Terraform's defaults apply
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
