/**
 * The handler built through createHandler(deps), composed as src/functions/worker.ts composes it (the real
 * adapters over the SDK clients, which tests stub with aws-sdk-client-mock), but with the configuration read from
 * the given variables instead of process.env, and with the random source and the clock the test chooses.
 * test/handler/worker-module.test.ts covers the module itself: cold start and configuration from the environment.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Clock } from '../../src/core/ports.js';
import { createDataZoneClient, DataZoneCalls } from '../../src/datazone/client.js';
import { RequestBudget } from '../../src/datazone/request-budget.js';
import { TokenBucket } from '../../src/datazone/token-bucket.js';
import { createHandler } from '../../src/intake/lambda-handler.js';
import { createSqsClient, SqsQueues } from '../../src/queues/sqs.js';
import { loadConfig } from '../../src/runtime/config.js';
import { InvocationDeadline } from '../../src/runtime/deadline.js';
import { OutcomeReporter } from '../../src/runtime/observability.js';
import { DLQ_URL, type Handler } from './lambda.js';

/** The variables every deployment sets; a test's own variables are added to them. */
const DEPLOYMENT_ENV = {
  DEAD_LETTER_QUEUE_URL: DLQ_URL,
  POWERTOOLS_SERVICE_NAME: 'datazone-metagen-worker',
  POWERTOOLS_METRICS_NAMESPACE: 'DataZoneMetagenWorker',
};

/** The SQS per-attempt timeout src/functions/worker.ts sets. */
const SQS_REQUEST_TIMEOUT_MS = 5000;

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
  const deadline = new InvocationDeadline(clock);
  const bucket = new TokenBucket({
    ratePerSecond: config.datazoneRequestsPerSecond,
    burst: config.datazoneBurst,
    now: clock,
  });
  const handler = createHandler({
    config,
    datazone: new DataZoneCalls(
      createDataZoneClient(config.datazoneRequestTimeoutMs),
      new RequestBudget(bucket, deadline, clock, config.maxSlotWaitMs),
      deadline,
      clock,
    ),
    queues: new SqsQueues(createSqsClient(SQS_REQUEST_TIMEOUT_MS), config.deadLetterQueueUrl),
    reporter: new OutcomeReporter(logger, metrics),
    deadline,
    deadlineSafetyMarginMs: config.deadlineSafetyMarginMs,
    clock,
    random,
    logger,
    metrics,
  });
  return handler as unknown as Handler;
}

/**
 * A clock that reads `epochMs` when created and then advances with real time: deadlines and the request budget
 * behave as in production, and the instants the worker reports are known to the test.
 */
export function clockFrom(epochMs: number): Clock {
  const offset = epochMs - Date.now();
  return () => Date.now() + offset;
}
