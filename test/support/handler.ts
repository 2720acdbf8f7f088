/**
 * The handler composed by src/functions/worker-composition.ts, as the entry point composes it (the real
 * adapters over the SDK clients, which tests stub with aws-sdk-client-mock), but with the configuration read from
 * the given variables instead of process.env, and with the random source and the clock the test chooses.
 * test/handler/worker-module.test.ts covers the module itself: cold start and configuration from the environment.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Clock } from '../../src/core/ports.js';
import { composeWorker } from '../../src/functions/worker-composition.js';
import { loadConfig } from '../../src/runtime/config.js';
import { DLQ_URL, type Handler } from './lambda.js';

/** The variables every deployment sets; a test's own variables are added to them. */
const DEPLOYMENT_ENV = {
  DEAD_LETTER_QUEUE_URL: DLQ_URL,
  POWERTOOLS_SERVICE_NAME: 'datazone-metagen-worker',
  POWERTOOLS_METRICS_NAMESPACE: 'DataZoneMetagenWorker',
};

/** Equal jitter at its lowest: every backoff is half its ceiling. */
export const lowestJitter = () => 0;

interface HandlerOptions {
  /** Worker variables (RECORD_CONCURRENCY, GENERATION_TYPES, …), as the deployment would set them. */
  readonly env?: Readonly<Record<string, string>>;
  /** The backoff's jitter, in [0, 1): a fixed value makes every visibility timeout exact. */
  readonly random: () => number;
  /** The clock of the deadline, the request budget and the dead-letter reasons' FailedAt. */
  readonly clock?: Clock;
  /** What POWERTOOLS_LOG_LEVEL sets in a deployment. */
  readonly logLevel?: LogLevel;
}

export function buildHandler({ env = {}, random, clock = Date.now, logLevel }: HandlerOptions): Handler {
  const config = loadConfig({ ...DEPLOYMENT_ENV, ...env });
  const logger = new Logger({
    serviceName: config.serviceName,
    ...(logLevel === undefined ? {} : { logLevel }),
  });
  const metrics = new Metrics({ namespace: config.metricsNamespace, serviceName: config.serviceName });
  return composeWorker(config, { clock, random, logger, metrics }) as unknown as Handler;
}

/**
 * A clock that reads `epochMs` when created and then advances with real time: deadlines and the request budget
 * behave as in production, and the instants the worker reports are known to the test.
 */
export function clockFrom(epochMs: number): Clock {
  const offset = epochMs - Date.now();
  return () => Date.now() + offset;
}
