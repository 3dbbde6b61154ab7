/**
 * Memory of the RDS and ElastiCache classes the project knows, in GiB: alarm thresholds derive from
 * it (freeable memory, Postgres max_connections), and validation refuses a class it cannot size
 * (add a line here to support another). Source: the RDS and ElastiCache instance-class pages
 * (https://aws.amazon.com/rds/instance-types/, https://aws.amazon.com/elasticache/pricing/), read 2026-11.
 */
const sizes = (family: string, table: Record<string, number>) => Object.fromEntries(Object.entries(table).map(([size, gib]) => [`${family}.${size}`, gib]));
const burstable = { micro: 1, small: 2, medium: 4, large: 8, xlarge: 16, '2xlarge': 32 };
const general = { large: 8, xlarge: 16, '2xlarge': 32, '4xlarge': 64, '8xlarge': 128, '12xlarge': 192, '16xlarge': 256 };
const memoryOptimized = { large: 16, xlarge: 32, '2xlarge': 64, '4xlarge': 128, '8xlarge': 256, '12xlarge': 384, '16xlarge': 512 };

export const RDS_CLASS_MEMORY_GIB: Readonly<Record<string, number>> = {
  ...sizes('db.t3', burstable),
  ...sizes('db.t4g', burstable),
  ...sizes('db.m5', general),
  ...sizes('db.m6g', general),
  ...sizes('db.m6i', general),
  ...sizes('db.m7g', general),
  ...sizes('db.r5', memoryOptimized),
  ...sizes('db.r6g', memoryOptimized),
  ...sizes('db.r6i', memoryOptimized),
  ...sizes('db.r7g', memoryOptimized),
};

/** ElastiCache node memory (GiB, rounded as AWS lists it). */
export const CACHE_NODE_MEMORY_GIB: Readonly<Record<string, number>> = {
  'cache.t3.micro': 0.5, 'cache.t3.small': 1.37, 'cache.t3.medium': 3.09,
  'cache.t4g.micro': 0.5, 'cache.t4g.small': 1.37, 'cache.t4g.medium': 3.09,
  'cache.m6g.large': 6.38, 'cache.m6g.xlarge': 12.93, 'cache.m6g.2xlarge': 26.04,
  'cache.m7g.large': 6.38, 'cache.m7g.xlarge': 12.93, 'cache.m7g.2xlarge': 26.04,
  'cache.r6g.large': 13.07, 'cache.r6g.xlarge': 26.32, 'cache.r6g.2xlarge': 52.82,
  'cache.r7g.large': 13.07, 'cache.r7g.xlarge': 26.32, 'cache.r7g.2xlarge': 52.82,
};

/**
 * Postgres `max_connections` on RDS for a class: the default parameter is
 * LEAST({DBInstanceClassMemory/9531392}, 5000), and DBInstanceClassMemory is the class memory less
 * what RDS and the OS reserve (about a quarter on small classes). An estimate, used for an alarm
 * threshold: db.t4g.micro gives 84 (RDS reports 79-87 depending on the engine version).
 */
export function postgresMaxConnections(instanceClass: string): number | undefined {
  const gib = RDS_CLASS_MEMORY_GIB[instanceClass];
  if (gib === undefined) return undefined;
  return Math.min(5000, Math.floor((gib * 2 ** 30 * 0.75) / 9531392));
}
