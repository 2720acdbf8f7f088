/**
 * How the worker's handler is put together from its configuration: the SDK clients, the request budget and the
 * adapters, over one clock. The entry point (worker.ts) calls it once per container; tests call it with their own
 * clock and jitter.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Clock } from '../core/ports.js';
import { createDataZoneClient, DataZoneCalls } from '../datazone/client.js';
import { bucketsPerOperation, RequestBudget } from '../datazone/request-budget.js';
import { createHandler } from '../intake/lambda-handler.js';
import { createSqsClient, SqsQueues } from '../queues/sqs.js';
import type { WorkerConfig } from '../runtime/config.js';
import { InvocationDeadline } from '../runtime/deadline.js';
import { OutcomeReporter } from '../runtime/observability.js';

/** SQS calls are small; a stuck one must not hold the batch's report past the Lambda timeout. */
const SQS_REQUEST_TIMEOUT_MS = 5000;

export interface WorkerRuntime {
  readonly clock: Clock;
  /** Jitter source, a number in [0, 1). */
  readonly random: () => number;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export function composeWorker(config: WorkerConfig, { clock, random, logger, metrics }: WorkerRuntime) {
  const deadline = new InvocationDeadline(clock);
  const buckets = bucketsPerOperation(config.datazoneRates, clock);
  return createHandler({
    config,
    datazone: new DataZoneCalls(
      createDataZoneClient(config.datazoneRequestTimeoutMs),
      new RequestBudget(buckets, deadline, clock, config.maxSlotWaitMs),
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
}
