import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { buildApp } from '../src/app';
import { environments, staging } from '../src/config/environments';
import { withConfig } from './helpers/synth';
import { withTopics } from './helpers/topics';
import { ValidateResult, validateStacks, validationErrors } from './helpers/terraform';

/**
 * The whole app, synthesized as `cdktf synth` does, then `terraform init -backend=false` and
 * `terraform validate` in every stack folder (one init per folder, provider from the local mirror
 * or plugin cache).
 */
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-validate-'));
const app = new App({ outdir, skipValidation: false });
const stacks = buildApp(app, environments);
app.synth();
const stackDirs = fs.readdirSync(path.join(outdir, 'stacks'));

afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

test('one stack folder per environment plus the bootstrap stack', () => {
  expect(stackDirs.sort()).toEqual(['bootstrap', ...stacks.map((s) => s.config.name)].sort());
});

/** Every folder validated once, side by side (validateStacks). */
let validated: Record<string, ValidateResult>;
beforeAll(async () => {
  validated = await validateStacks(stackDirs.map((name) => path.join(outdir, 'stacks', name)));
}, 120_000);

describe.each(stackDirs)('stack %s', (name) => {
  const dir = path.join(outdir, 'stacks', name);

  test('passes terraform validate', () => {
    const result = validated[dir];
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.valid).toBe(true);
  });

  test('requires the Terraform the stacks need (write-only arguments with ephemeral values: 1.11)', () => {
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'));
    expect(json.terraform.required_version).toBe('>= 1.11.0');
  });

  test('is self-contained: plain terraform in the folder needs nothing outside it', () => {
    const text = fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8');
    // No module sources, files or remote state reaching outside the folder.
    expect(text).not.toMatch(/"source":\s*"\.\.?\//);
    expect(text).not.toMatch(/\$\{(file|templatefile|filebase64)\(/);
    expect(text).not.toContain('terraform_remote_state');
    expect(text).not.toContain(outdir);
    expect(fs.readdirSync(dir).filter((f) => !f.startsWith('.') && f !== 'cdk.tf.json')).toEqual([]);
  });
});

test('environments with external DNS and with a created hosted zone (and app topics fanned out to queues) pass terraform validate', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-variant-'));
  try {
    const variant = new App({ outdir: dir });
    const external = withConfig(staging, (c) => (c.domain.dns = { zoneMode: 'external', exportRecords: true }));
    const created = withConfig(withTopics(staging), (c) => {
      c.name = 'zone';
      c.domain.name = 'zone.example.com';
      c.domain.dns = { zoneMode: 'create', exportRecords: false };
      delete c.delivery;
    });
    buildApp(variant, [external, created]);
    variant.synth();
    expect(validationErrors(await validateStacks(['staging', 'zone'].map((s) => path.join(dir, 'stacks', s))))).toEqual({ staging: [], zone: [] });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
