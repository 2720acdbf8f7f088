/**
 * The worker's Lambda entry point and composition root: configuration, clients, the request budget and the
 * adapters are built once per container (at cold start) and shared by every invocation.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { withCoalescedOutput } from '../runtime/coalesced-output.js';
import { loadConfig } from '../runtime/config.js';
import { composeWorker } from './worker-composition.js';

/** How long a log line may wait to leave with the invocation's others: what a killed process loses at most. */
const MAX_LINE_DELAY_MS = 100;

const config = loadConfig();

const worker = composeWorker(config, {
  clock: Date.now,
  random: Math.random,
  logger: new Logger({ serviceName: config.serviceName }),
  metrics: new Metrics({ namespace: config.metricsNamespace, serviceName: config.serviceName }),
});

export const handler = withCoalescedOutput(worker, process.stdout, { maxDelayMs: MAX_LINE_DELAY_MS });
