import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { buildApp } from '../src/app';
import { environments, prod, staging } from '../src/config/environments';
import { withConfig, withoutEmail, emailAt } from './helpers/synth';
import { withTopics } from './helpers/topics';
import { adoptingEverything, restoring } from './helpers/adoption';
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

/**
 * Every configuration mode that changes what is synthesized, validated once side by side with the
 * shipped stacks: each variant folds several modes that do not interact, because each `terraform
 * validate` costs seconds of CPU (loading the provider's schema) and the unit suite has a budget.
 * - `adopted`: production adopting everything (network.existing without NAT, so the endpoints go
 *   into the adopted VPC; the load balancer's certificate; database.adopt; assets.adopt), DNS
 *   managed elsewhere (external zone: the CloudFront certificate's validation and the records are
 *   outputs), state in Terraform Cloud (`init -backend=false` skips the cloud block: no login needed);
 * - `zone`: staging restored from a snapshot (database.restoreFrom), in a hosted zone the stack
 *   creates, with app topics fanned out to queues and e-mail (its records in the zone).
 */
test('every adopting, DNS and state mode, and app topics, pass terraform validate', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-variant-'));
  try {
    const variant = new App({ outdir: dir });
    const adopted = withConfig(adoptingEverything(prod), (c) => {
      c.name = 'adopted';
      c.network.natMode = 'none';
      withoutEmail(c); // SES needs a NAT (its records as outputs: the zone variant has them in a zone)
      c.domain.dns = { zoneMode: 'external', exportRecords: true };
      // The CloudFront certificate is created: its validation CNAMEs become outputs (external mode).
      delete c.domain.certificates!.cdn;
      c.state = { backend: 'cloud', organization: 'acme', workspace: 'webapp-adopted' };
    });
    const zone = withConfig(withTopics(restoring('arn:aws:rds:eu-west-1:123456789012:snapshot:legacy-final', staging)), (c) => {
      c.name = 'zone';
      c.domain.name = 'zone.example.com';
      emailAt(c, 'zone.example.com');
      c.domain.dns = { zoneMode: 'create', exportRecords: false };
      delete c.delivery;
    });
    buildApp(variant, [adopted, zone]);
    variant.synth();
    const read = (name: string) => JSON.parse(fs.readFileSync(path.join(dir, 'stacks', name, 'cdk.tf.json'), 'utf8'));
    // The modes are really in the folders validated: imports, the cloud block, no VPC, a snapshot, a zone, topics.
    const adoptedJson = read('adopted');
    expect(adoptedJson.terraform.cloud.organization).toBe('acme');
    expect(adoptedJson.import.length).toBeGreaterThan(0);
    expect(adoptedJson.resource.aws_vpc).toBeUndefined();
    const zoneJson = read('zone');
    expect(Object.values(zoneJson.resource.aws_db_instance as Record<string, { snapshot_identifier?: string }>)[0].snapshot_identifier).toContain('legacy-final');
    expect(zoneJson.resource.aws_route53_zone).toBeDefined();
    expect(zoneJson.resource.aws_sns_topic).toBeDefined();
    expect(zoneJson.resource.aws_sesv2_email_identity).toBeDefined();
    expect(Object.keys(adoptedJson.output).filter((o) => o.startsWith('dns_validation_'))).toEqual(['dns_validation_cdn']);
    expect(validationErrors(await validateStacks(['adopted', 'zone'].map((s) => path.join(dir, 'stacks', s))))).toEqual({ adopted: [], zone: [] });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
