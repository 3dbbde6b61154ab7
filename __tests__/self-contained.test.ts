import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { buildApp } from '../src/app';
import { environments, prod } from '../src/config/environments';
import { WebAppStack } from '../src/stacks/web-app-stack';
import { withConfig } from './helpers/synth';

/**
 * Our stacks skip cdktf's preparing resolve pass (src/stacks/self-contained-stack.ts), which only
 * wires cross-stack references. These tests prove that is safe: the whole app synthesizes to the
 * same files with and without that pass, and the same comparison fails on a cross-stack reference.
 */
type Files = Map<string, string>;

/** Synthesizes an app into a temporary folder and returns every file, relative path to content. */
function synthFiles(build: (app: App) => void, withCdktfPreparingPass: boolean): Files {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-prepare-'));
  try {
    const app = new App({ outdir });
    build(app);
    if (withCdktfPreparingPass) {
      for (const stack of app.node.findAll().filter(TerraformStack.isStack)) {
        stack.prepareStack = () => TerraformStack.prototype.prepareStack.call(stack);
      }
    }
    app.synth();
    const files: Files = new Map();
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else files.set(path.relative(outdir, full), fs.readFileSync(full, 'utf8'));
      }
    };
    walk(outdir);
    return files;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Every file both synths wrote, and those whose content differs (or exists on one side only). */
function compareWithPreparingPass(build: (app: App) => void): { compared: string[]; changed: string[] } {
  const ours = synthFiles(build, false);
  const cdktfs = synthFiles(build, true);
  const compared = [...new Set([...ours.keys(), ...cdktfs.keys()])].sort();
  return { compared, changed: compared.filter((name) => ours.get(name) !== cdktfs.get(name)) };
}

const stackFile = (stack: string) => path.join('stacks', stack, 'cdk.tf.json');

describe('stacks are self-contained, so skipping the cross-stack preparing pass is safe', () => {
  test('the shipped app synthesizes to identical files with and without the pass', () => {
    const { compared, changed } = compareWithPreparingPass((app) => buildApp(app, environments));
    // Not vacuous: the bootstrap stack and every environment were synthesized and compared.
    const stacks = ['bootstrap', ...environments.map((env) => env.name)];
    expect(compared).toEqual(expect.arrayContaining(stacks.map(stackFile)));
    expect(changed).toEqual([]);
  });

  test('so does a variant with a cloud backend, a created zone and an image tag', () => {
    const variant = withConfig(prod, (c) => {
      c.state = { backend: 'cloud', organization: 'acme', workspace: 'webapp-prod' };
      c.domain.dns = { zoneMode: 'create', exportRecords: false };
    });
    const { compared, changed } = compareWithPreparingPass((app) => buildApp(app, [variant], { imageTag: 'v1.2.3' }));
    expect(compared).toEqual(expect.arrayContaining([stackFile(variant.name)]));
    expect(changed).toEqual([]);
  });

  test('the comparison catches a cross-stack reference (prod reading the staging VPC id)', () => {
    const leaky = (app: App) => {
      const [stagingStack, prodStack] = buildApp(app, environments) as [WebAppStack, WebAppStack];
      new TerraformOutput(prodStack, 'staging_vpc_id', { value: stagingStack.network.vpcId });
    };
    const { changed } = compareWithPreparingPass(leaky);
    // cdktf's pass adds remote-state plumbing to prod and an output to staging: both differ.
    expect(changed).toEqual(expect.arrayContaining([stackFile('prod'), stackFile('staging')]));
  });
});
