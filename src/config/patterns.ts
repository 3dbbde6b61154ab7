/** Shapes of config values shared by the environment rules (validate.ts) and the workload rules. */

/** Slugs that end up in resource names: lowercase, digits, single hyphens, no leading/trailing hyphen. */
export const SLUG = /^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$/;
export const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
export const ENV_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** An e-mail address (alert subscribers, senders, report addresses): local@domain.tld. */
export const EMAIL = /^[^\s@]+@[^\s@]+\.[A-Za-z]{2,}$/;

export const TIME_ZONES = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);

/** Fargate CPU units and the memory sizes (MiB) each accepts. */
export const FARGATE_MEMORY: Record<number, (m: number) => boolean> = {
  256: (m) => [512, 1024, 2048].includes(m),
  512: (m) => m >= 1024 && m <= 4096 && m % 1024 === 0,
  1024: (m) => m >= 2048 && m <= 8192 && m % 1024 === 0,
  2048: (m) => m >= 4096 && m <= 16384 && m % 1024 === 0,
  4096: (m) => m >= 8192 && m <= 30720 && m % 1024 === 0,
  8192: (m) => m >= 16384 && m <= 61440 && m % 4096 === 0,
  16384: (m) => m >= 32768 && m <= 122880 && m % 8192 === 0,
};

export function isValidDomain(name: string): boolean {
  const labels = name.split('.');
  return name.length <= 253 && labels.length >= 2 && labels.every((l) => HOST_LABEL.test(l)) && /^[a-z]/.test(labels[labels.length - 1]);
}
