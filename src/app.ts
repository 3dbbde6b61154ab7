import { App } from 'cdktf';
import { EnvironmentConfig } from './config/types';
import { validateEnvironments } from './config/validate';
import { EmulatorSettings } from './lib/emulator';
import { StateBootstrapStack } from './stacks/state-bootstrap-stack';
import { WebAppStack, WebAppStackOptions } from './stacks/web-app-stack';

export interface BuildOptions extends WebAppStackOptions {
  readonly emulator?: EmulatorSettings;
}

/** Validates the environments once, then adds the bootstrap stack and one stack per environment. */
export function buildApp(app: App, environments: EnvironmentConfig[], options: BuildOptions = {}): WebAppStack[] {
  validateEnvironments(environments);
  new StateBootstrapStack(app, environments, options.emulator);
  return environments.map((env) => new WebAppStack(app, env, options));
}
