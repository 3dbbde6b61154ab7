import { App } from 'cdktf';
import { EnvironmentConfig } from './config/types';
import { validateEnvironments } from './config/validate';
import { EmulatorSettings } from './lib/emulator';
import { bootstrapStacks } from './stacks/bootstrap-stack';
import { WebAppStack, WebAppStackOptions } from './stacks/web-app-stack';

/** What ECR (and Docker) accept as a tag. */
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export interface BuildOptions extends WebAppStackOptions {
  readonly emulator?: EmulatorSettings;
}

/** Validates the environments once, then adds the bootstrap stack(s) (one per account) and one stack per environment. */
export function buildApp(app: App, environments: EnvironmentConfig[], options: BuildOptions = {}): WebAppStack[] {
  validateEnvironments(environments);
  if (options.imageTag !== undefined && !IMAGE_TAG.test(options.imageTag)) {
    throw new Error(`IMAGE_TAG "${options.imageTag}" is not a valid image tag: use 1-128 letters, digits, '.', '_' or '-' (e.g. a git SHA)`);
  }
  bootstrapStacks(app, environments, options.emulator);
  return environments.map((env) => new WebAppStack(app, env, options));
}
