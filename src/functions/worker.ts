/**
 * The worker's Lambda entry point and composition root: configuration, clients, the request budget and the
 * adapters are built once per container (at cold start) and shared by every invocation.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createDataZoneClient, DataZoneCalls } from '../datazone/client.js';
import { RequestBudget } from '../datazone/request-budget.js';
import { TokenBucket } from '../datazone/token-bucket.js';
import { createHandler } from '../intake/lambda-handler.js';
import { createSqsClient, SqsQueues } from '../queues/sqs.js';
import { loadConfig } from '../runtime/config.js';
import { InvocationDeadline } from '../runtime/deadline.js';
import { OutcomeReporter } from '../runtime/observability.js';

/** SQS calls are small; a stuck one must not hold the batch's report past the Lambda timeout. */
const SQS_REQUEST_TIMEOUT_MS = 5000;

const clock = Date.now;
const config = loadConfig();
const logger = new Logger({ serviceName: config.serviceName });
const metrics = new Metrics({ namespace: config.metricsNamespace, serviceName: config.serviceName });
const deadline = new InvocationDeadline(clock);
const bucket = new TokenBucket({
  ratePerSecond: config.datazoneRequestsPerSecond,
  burst: config.datazoneBurst,
  now: clock,
});

export const handler = createHandler({
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
  random: Math.random,
  logger,
  metrics,
});
