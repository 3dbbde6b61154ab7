import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { alive, appliedCount, envFileText, progressLine, setupSummary, nextSteps, readState, sandboxProcessEnv, sandboxSecretValue, sandboxVariables, stageLine, writeState } from '../src/ops/sandbox';

/**
 * `npm run sandbox`: the settings it gives every command, which never reach a real account, and
 * what it prints. The whole run (emulator, bootstrap, deploy, image, secret, release) is CI's first
 * step (the README's first command), and the e2e checks the staging it released.
 */
describe('npm run sandbox', () => {
  test('one setting aims cdktf and the commands at the emulator; fake credentials; few retries', () => {
    expect(sandboxVariables('http://127.0.0.1:5000', 'eu-west-1')).toEqual({
      AWS_ACCESS_KEY_ID: 'sandbox', AWS_SECRET_ACCESS_KEY: 'sandbox', CDKTF_AWS_ENDPOINT: 'http://127.0.0.1:5000',
      AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_MAX_ATTEMPTS: '3', CHECKPOINT_DISABLE: '1',
    });
  });

  test('the children never see what could select a real account or endpoint', () => {
    const env = sandboxProcessEnv('http://127.0.0.1:5000', 'eu-west-1', { PATH: '/usr/bin' });
    for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL', 'IMAGE_TAG']) expect([name, env[name]]).toEqual([name, undefined]);
    expect(env).toMatchObject({ CDKTF_AWS_ENDPOINT: 'http://127.0.0.1:5000', AWS_ACCESS_KEY_ID: 'sandbox', PATH: '/usr/bin' });
    expect(env.TF_CLI_CONFIG_FILE).toBeTruthy();
  });

  test('.sandbox/env: what a shell sources to use every command on the sandbox', () => {
    const text = envFileText('http://127.0.0.1:5000', 'eu-west-1', '/tmp/tfcli/terraformrc');
    expect(text).toContain("export CDKTF_AWS_ENDPOINT='http://127.0.0.1:5000'");
    expect(text).toContain("export TF_CLI_CONFIG_FILE='/tmp/tfcli/terraformrc'");
    expect(text).toContain('unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL');
  });

  test('progress: the stage, then its time; at the end the URLs and the next commands', () => {
    expect([stageLine(3, 7, 'deploy staging'), stageLine(3, 7, 'deploy staging', 241)]).toEqual(['[3/7] deploy staging ...', '[3/7] deploy staging done in 241s']);
    const text = nextSteps({ endpoint: 'http://127.0.0.1:5000', pid: 42, started: 'now' }, { app_url: 'https://staging.example.com', alb_dns_name: 'alb.local', ecr_repository_url: 'repo' }, '.sandbox/sandbox.log');
    expect(text.split('\n')[0]).toBe('sandbox up: staging released (sandbox-1) in the emulator at http://127.0.0.1:5000 (pid 42)');
    expect(text).toContain('full log: .sandbox/sandbox.log');
    expect(text).toContain('npm run status -- staging --outdir .sandbox/cdktf.out');
    expect(text).toContain('npm run sandbox -- down');
  });

  test('a long stage shows its elapsed time and how many resources Terraform has applied', () => {
    const out = [
      'staging  aws_vpc.network_vpc_1 (network/vpc): Creation complete after 2s [id=vpc-1]',
      'staging  aws_subnet.a (network/a): Still creating... [10s elapsed]',
      'staging  aws_ssm_parameter.tag (compute/tag): Modifications complete after 0s [id=/webapp/staging/image-tag]',
      'staging  aws_sqs_queue.old: Destruction complete after 1s',
    ].join('\n');
    expect(appliedCount(out)).toBe(3);
    expect(progressLine(4, 7, 'deploy staging', 130, 143)).toBe('[4/7] deploy staging ... 2m10s, 143 resources applied');
    expect(progressLine(2, 7, 'bootstrap', 9, 0)).toBe('[2/7] bootstrap ... 9s');
    expect(progressLine(2, 7, 'bootstrap', 61, 1)).toBe('[2/7] bootstrap ... 1m01s, 1 resource applied');
  });

  test('another folder (--dir): the env file and the next commands name it', () => {
    expect(envFileText('http://127.0.0.1:5000', 'eu-west-1', undefined, '/tmp/sb')).toContain('pass --outdir /tmp/sb/cdktf.out to the commands');
    const text = nextSteps({ endpoint: 'http://127.0.0.1:5000', pid: 42, started: 'now' }, {}, '/tmp/sb/sandbox.log', '/tmp/sb');
    expect(text).toContain('source /tmp/sb/env');
    expect(text).toContain('npm run status -- staging --outdir /tmp/sb/cdktf.out');
    expect(text).toContain('npm run sandbox -- down --dir /tmp/sb');
    expect(text).not.toContain('.sandbox');
  });

  test('sandbox.json keeps the emulator and each finished stage with its time and end', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-state-'));
    const state = { endpoint: 'http://127.0.0.1:5000', pid: 42, started: '2026-12-03T10:00:00.000Z', stages: [{ name: 'deploy staging', seconds: 250, ended: '2026-12-03T10:05:00.000Z' }] };
    writeState(dir, state);
    expect(readState(dir)).toEqual(state);
    expect(readState(path.join(dir, 'none'))).toBeUndefined();
    fs.rmSync(dir, { recursive: true });
  });

  test('status says how the sandbox was set up: each stage with its time, or how far up got', () => {
    const base = { endpoint: 'http://127.0.0.1:5000', pid: 42, started: 'now', stageCount: 3 };
    const stage = (name: string, seconds: number) => ({ name, seconds, ended: 'then' });
    expect(setupSummary({ ...base, stages: [stage('start the emulator', 2), stage('deploy staging (about 4 minutes)', 233), stage('image sandbox-1', 0)] }))
      .toBe('set up in 235s (start the emulator 2s, deploy staging 233s)');
    expect(setupSummary({ ...base, stages: [stage('start the emulator', 2)] })).toBe('set-up incomplete: 1 of 3 stages done (start the emulator 2s); see its sandbox.log');
  });

  test('secret values are recognisably the sandbox\'s', () => {
    expect(sandboxSecretValue('SENTRY_DSN')).toBe('sandbox-value-of-SENTRY_DSN');
  });

  test('a process is alive while it runs', () => {
    expect(alive(process.pid)).toBe(true);
    expect(alive(2 ** 22 + 12345)).toBe(false);
  });
});
