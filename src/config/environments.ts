import { EnvironmentConfig } from './types';

/**
 * The shipped environments. Edit these objects to configure your deployment: everything that
 * differs between staging and prod is here, and nothing here is a secret. The defaults use an
 * example domain and synthesize without an AWS account.
 */

const project = 'webapp';
const region = 'eu-west-1';

/** One state bucket for the project (created by the `bootstrap` stack), one key per environment. */
const stateBucket = `${project}-terraform-state-example`;

export const staging: EnvironmentConfig = {
  name: 'staging',
  production: false,
  project,
  region,
  state: { backend: 's3', bucket: stateBucket, region },
  domain: {
    name: 'staging.example.com',
    appAliases: [],
    staticLabel: 'static',
    dns: { zoneMode: 'lookup', zoneName: 'example.com', exportRecords: false },
    ipv6: true,
  },
  network: { cidr: '10.20.0.0/16', azCount: 2, natMode: 'single', flowLogs: false },
  database: {
    engineVersion: '17.6',
    instanceClass: 'db.t4g.micro',
    allocatedStorage: 20,
    maxAllocatedStorage: 50,
    multiAz: false,
    backupRetentionDays: 1,
    deletionProtection: false,
    performanceInsights: false,
    databaseName: 'app',
    username: 'app',
  },
  cache: {
    engine: 'redis',
    engineVersion: '7.1',
    nodeType: 'cache.t4g.micro',
    nodeCount: 1,
    snapshotRetentionDays: 1,
  },
  assets: { priceClass: 'PriceClass_100', cdnAccessLogs: false, mediaNoncurrentVersionDays: 7 },
  loadBalancer: { deletionProtection: false, accessLogs: false, deregistrationDelay: 15 },
  compute: {
    web: {
      cpu: 256,
      memory: 512,
      minCount: 1,
      maxCount: 2,
      containerPort: 8000,
      healthCheckPath: '/healthz',
      cpuTarget: 60,
      requestsPerTarget: 500,
    },
    workers: [
      { name: 'celery', command: ['celery', '-A', 'app', 'worker', '-l', 'info'], cpu: 256, memory: 512, minCount: 1, maxCount: 2, cpuTarget: 70 },
    ],
    fargateSpot: true,
    enableExec: true,
    logRetentionDays: 14,
    environment: { DJANGO_SETTINGS_MODULE: 'app.settings' },
    keepImages: 20,
  },
  tags: { owner: 'platform' },
};

export const prod: EnvironmentConfig = {
  name: 'prod',
  production: true,
  project,
  region,
  state: { backend: 's3', bucket: stateBucket, region },
  domain: {
    name: 'example.com',
    appAliases: ['www'],
    staticLabel: 'static',
    dns: { zoneMode: 'lookup', exportRecords: false },
    ipv6: true,
  },
  network: { cidr: '10.10.0.0/16', azCount: 3, natMode: 'perAz', flowLogs: true },
  database: {
    engineVersion: '17.6',
    instanceClass: 'db.t4g.medium',
    allocatedStorage: 50,
    maxAllocatedStorage: 500,
    multiAz: true,
    backupRetentionDays: 14,
    deletionProtection: true,
    performanceInsights: true,
    databaseName: 'app',
    username: 'app',
  },
  cache: {
    engine: 'redis',
    engineVersion: '7.1',
    nodeType: 'cache.t4g.small',
    nodeCount: 2,
    snapshotRetentionDays: 7,
  },
  assets: { priceClass: 'PriceClass_100', cdnAccessLogs: true, mediaNoncurrentVersionDays: 30 },
  loadBalancer: { deletionProtection: true, accessLogs: true, deregistrationDelay: 30 },
  compute: {
    web: {
      cpu: 512,
      memory: 1024,
      minCount: 2,
      maxCount: 10,
      containerPort: 8000,
      healthCheckPath: '/healthz',
      cpuTarget: 60,
      requestsPerTarget: 1000,
    },
    workers: [
      { name: 'celery', command: ['celery', '-A', 'app', 'worker', '-l', 'info'], cpu: 512, memory: 1024, minCount: 2, maxCount: 6, cpuTarget: 70 },
    ],
    fargateSpot: false,
    enableExec: false,
    logRetentionDays: 90,
    environment: { DJANGO_SETTINGS_MODULE: 'app.settings' },
    keepImages: 50,
  },
  tags: { owner: 'platform' },
};

/** Every environment the app synthesizes, in deploy order. */
export const environments: EnvironmentConfig[] = [staging, prod];
