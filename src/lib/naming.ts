import { EnvironmentConfig } from '../config/types';

/** `<project>-<environment>[-part...]`: the prefix of every named resource in an environment. */
export function resourceName(config: Pick<EnvironmentConfig, 'project' | 'name'>, ...parts: string[]): string {
  return [config.project, config.name, ...parts].join('-');
}

/** The tags every resource carries (through the providers' default_tags). */
export function defaultTags(config: EnvironmentConfig): Record<string, string> {
  return { ...config.tags, project: config.project, environment: config.name, 'managed-by': 'cdktf' };
}
