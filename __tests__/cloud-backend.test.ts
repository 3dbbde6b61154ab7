import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { buildApp } from '../src/app';
import { prod } from '../src/config/environments';
import { synthEnv, withConfig } from './helpers/synth';

/** An environment that keeps its state in Terraform Cloud / HCP Terraform instead of S3. */
const onCloud = withConfig(prod, (c) => (c.state = { backend: 'cloud', organization: 'acme', workspace: 'webapp-prod' }));

describe('Terraform Cloud backend', () => {
  test('the stack carries a cloud block with the organization and workspace, and no S3 backend', () => {
    const json = synthEnv(onCloud);
    expect(json.terraform.cloud).toEqual({ organization: 'acme', workspaces: { name: 'webapp-prod' } });
    expect(json.terraform.backend).toBeUndefined();
  });

  test('the workspace defaults to <project>-<environment>; a hostname is passed through', () => {
    const json = synthEnv(withConfig(prod, (c) => (c.state = { backend: 'cloud', organization: 'acme', hostname: 'tfe.example.com' })));
    expect(json.terraform.cloud).toEqual({ organization: 'acme', hostname: 'tfe.example.com', workspaces: { name: 'webapp-prod' } });
  });

  describe('synthesized like `cdktf synth` does', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-cloud-'));
    const readStack = (name: string) => JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8'));
    beforeAll(() => {
      const app = new App({ outdir });
      buildApp(app, [onCloud]);
      app.synth();
    });
    afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

    // The cloud-backed folder passes terraform validate (`init -backend=false` skips the cloud block, so no
    // Terraform Cloud login is needed): terraform-validate.test.ts validates it with the other variants.


    test('a cloud-backed environment needs no state bucket from the bootstrap stack', () => {
      expect(readStack('bootstrap').resource?.aws_s3_bucket).toBeUndefined();
    });
  });
});
