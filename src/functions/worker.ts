/**
 * The worker's Lambda entry point and composition root: configuration, clients, the request budget and the
 * adapters are built once per container (at cold start) and shared by every invocation.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { loadConfig } from '../runtime/config.js';
import { composeWorker } from './worker-composition.js';

const config = loadConfig();

export const handler = composeWorker(config, {
  clock: Date.now,
  random: Math.random,
  logger: new Logger({ serviceName: config.serviceName }),
  metrics: new Metrics({ namespace: config.metricsNamespace, serviceName: config.serviceName }),
});
