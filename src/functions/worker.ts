/**
 * Lambda entry point and composition root: configuration, clients and adapters are built once per container
 * (at cold start) and shared by every invocation. The handler only dispatches: an SQS batch (EventBridge rule →
 * queue → function) or a single EventBridge event (rule → function).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createDataZoneClient, DataZoneAdapter } from '../datazone/client.js';
import { TokenBucket } from '../datazone/token-bucket.js';
import { type DirectEventResult, processDirectEvent } from '../intake/direct-event.js';
import { processSqsBatch } from '../intake/sqs-batch.js';
import { createSqsClient, SqsQueues } from '../queues/sqs.js';
import { loadConfig } from '../runtime/config.js';
import { InvocationDeadline } from '../runtime/deadline.js';
import { OutcomeReporter } from '../runtime/observability.js';

/** SQS calls are small; a stuck one must not hold the batch's report past the Lambda timeout. */
const SQS_REQUEST_TIMEOUT_MS = 5000;

const config = loadConfig();
const logger = new Logger({ serviceName: config.serviceName });
const metrics = new Metrics({ namespace: config.metricsNamespace, serviceName: config.serviceName });
const deadline = new InvocationDeadline();
const datazone = new DataZoneAdapter(
  createDataZoneClient(config.datazoneRequestTimeoutMs),
  new TokenBucket({ ratePerSecond: config.datazoneRequestsPerSecond, burst: config.datazoneBurst }),
  deadline,
);
const queues = new SqsQueues(createSqsClient(SQS_REQUEST_TIMEOUT_MS), config.deadLetterQueueUrl);
const deps = { config, datazone, queues, deadline, reporter: new OutcomeReporter(logger, metrics) };

/**
 * An SQS batch is recognised by any of its records: a record missing its fields is still that batch's record,
 * handled on its own, rather than turning the whole batch into one direct event.
 */
export function isSqsEvent(event: unknown): event is SQSEvent {
  const records = (event as { Records?: unknown } | null)?.Records;
  return (
    Array.isArray(records) &&
    records.some((record) => (record as { eventSource?: unknown } | null)?.eventSource === 'aws:sqs')
  );
}

async function lambdaHandler(
  event: unknown,
  context: Context,
): Promise<SQSBatchResponse | DirectEventResult> {
  deadline.start(context.getRemainingTimeInMillis(), config.deadlineSafetyMarginMs);
  // The event itself is not logged, not even at DEBUG: it holds receipt handles and unbounded user content.
  try {
    return isSqsEvent(event) ? await processSqsBatch(event, deps) : await processDirectEvent(event, deps);
  } finally {
    deadline.finish();
  }
}

export const handler = middy(lambdaHandler)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
