/**
 * The typed shape of one environment, inferred from the runtime schema (schema.ts) so the types
 * and the synth-time checks are one source. Everything that differs between environments lives
 * here; per-kind defaults are in defaults.ts.
 */
import { z } from 'zod';
import {
  NAT_MODES, assetsSchema, cacheSchema, computeSchema, databaseSchema, deliverySchema, dnsSchema, domainSchema, emailSchema, environmentSchema,
  httpServiceSchema, internalServiceSchema, jobSchema, loadBalancerSchema, monitoringSchema, networkSchema, queueSchema, releaseSchema, subscriptionSchema, topicSchema, scheduleSchema, sidecarSchema, stateSchema, wafSchema, webServiceSchema, workerServiceSchema,
} from './schema';

export { NAT_MODES };
export type NatMode = (typeof NAT_MODES)[number];
export type StateConfig = z.infer<typeof stateSchema>;
export type DnsConfig = z.infer<typeof dnsSchema>;
export type DomainConfig = z.infer<typeof domainSchema>;
export type NetworkConfig = z.infer<typeof networkSchema>;
export type DatabaseConfig = z.infer<typeof databaseSchema>;
export type CacheConfig = z.infer<typeof cacheSchema>;
export type AssetsConfig = z.infer<typeof assetsSchema>;
export type WebServiceConfig = z.infer<typeof webServiceSchema>;
export type WorkerServiceConfig = z.infer<typeof workerServiceSchema>;
export type InternalServiceConfig = z.infer<typeof internalServiceSchema>;
export type HttpServiceConfig = z.infer<typeof httpServiceSchema>;
export type SidecarConfig = z.infer<typeof sidecarSchema>;
export type QueueConfig = z.infer<typeof queueSchema>;
export type SubscriptionConfig = z.infer<typeof subscriptionSchema>;
export type TopicConfig = z.infer<typeof topicSchema>;
export type JobConfig = z.infer<typeof jobSchema>;
export type ContainerSizing = Pick<WebServiceConfig, 'cpu' | 'memory' | 'minCount' | 'maxCount'>;
export type ComputeConfig = z.infer<typeof computeSchema>;
export type LoadBalancerConfig = z.infer<typeof loadBalancerSchema>;
export type ReleaseConfig = z.infer<typeof releaseSchema>;
export type MonitoringConfig = z.infer<typeof monitoringSchema>;
export type WafConfig = z.infer<typeof wafSchema>;
export type DeliveryConfig = z.infer<typeof deliverySchema>;
export type EmailConfig = z.infer<typeof emailSchema>;
export type ScheduleConfig = z.infer<typeof scheduleSchema>;
export type EnvironmentConfig = z.infer<typeof environmentSchema>;

/** Every field optional at any depth (arrays and records are given whole). */
export type DeepPartial<T> = T extends (infer U)[]
  ? U[]
  : T extends Record<string, unknown>
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;
