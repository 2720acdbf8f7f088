/**
 * How the worker's handler is put together from its configuration: the SDK clients, the request budget and the
 * adapters, over one clock. The entry point (worker.ts) calls it once per container; tests call it with their own
 * clock and jitter.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { DataZoneClient } from '@aws-sdk/client-datazone';
import type { Clock } from '../core/ports.js';
import type { RateAdaptation } from '../datazone/adaptive-rate.js';
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
  /** Studies only (the fleet benchmark's variants): another rate law, another DataZone client. */
  readonly adaptation?: (ratePerSecond: number) => RateAdaptation;
  readonly datazoneClient?: DataZoneClient;
}

export function composeWorker(config: WorkerConfig, runtime: WorkerRuntime) {
  const { clock, random, logger, metrics } = runtime;
  const deadline = new InvocationDeadline(clock);
  const buckets = bucketsPerOperation(config.datazoneRates, clock, runtime.adaptation);
  return createHandler({
    config,
    datazone: new DataZoneCalls(
      runtime.datazoneClient ?? createDataZoneClient(config.datazoneRequestTimeoutMs, random),
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
