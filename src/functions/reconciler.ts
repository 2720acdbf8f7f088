/**
 * The scheduled reconciler's Lambda entry point and composition root. The schedule puts a start message on the
 * sweep queue; each invocation sweeps pages of one domain while it has time, at the sweep's own share of the
 * DataZone budget, enqueues an event for each asset revision without a run, and hands the rest of the sweep to
 * the next invocation through the same queue (src/sweep/reconcile.ts says why a queue and not a database).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context, SQSEvent } from 'aws-lambda';
import { sweepSeconds } from '../core/reconciliation.js';
import { createDataZoneClient } from '../datazone/client.js';
import { bucketsPerOperation, RequestBudget } from '../datazone/request-budget.js';
import { DataZoneSweepCalls, SEARCH_PAGE_LIMIT } from '../datazone/sweep-calls.js';
import { SqsEventQueue } from '../queues/event-queue.js';
import { createSqsClient } from '../queues/sqs.js';
import { InvocationDeadline } from '../runtime/deadline.js';
import { countServiceErrorByOperation } from '../runtime/observability.js';
import { loadReconcilerConfig } from '../runtime/reconciler-config.js';
import { parseSweepMessage, reconcileStep, type SweepCursor } from '../sweep/reconcile.js';

const SQS_REQUEST_TIMEOUT_MS = 5000;

const clock = Date.now;
const config = loadReconcilerConfig();
const logger = new Logger({ serviceName: config.serviceName });
const metrics = new Metrics({ namespace: config.metricsNamespace, serviceName: config.serviceName });
const deadline = new InvocationDeadline(clock);
const sqs = createSqsClient(SQS_REQUEST_TIMEOUT_MS);
const datazone = new DataZoneSweepCalls(
  createDataZoneClient(config.requestTimeoutMs),
  new RequestBudget(bucketsPerOperation(config.rates, clock), deadline, clock),
  deadline,
  clock,
);
const events = new SqsEventQueue(sqs, config.sourceQueueUrl);

function count(name: string, value: number): void {
  if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
}

async function sweep(event: SQSEvent, context: Context): Promise<void> {
  deadline.start(context.getRemainingTimeInMillis(), config.deadlineSafetyMarginMs);
  const budgetSeconds = Math.max(1, deadline.remainingMs() / 1000);
  // A page's assets: as many as half an invocation's time allows at the sweep's rate, at most Search's limit.
  const pageSize = Math.max(1, Math.min(SEARCH_PAGE_LIMIT, Math.floor(sweepAssetsWithin(budgetSeconds / 2))));
  const pageSeconds = sweepSeconds(pageSize, config.requestsPerSecond);
  const session = datazone.sweepSession();
  try {
    for (const record of event.Records) {
      const message = parseSweepMessage(record.body);
      if (message === undefined) {
        // Nothing to resume from: dropped, but told.
        count('SweepMessagesUnreadable', 1);
        logger.error('sweep message could not be read', { messageId: record.messageId });
        continue;
      }
      await reconcileStep(
        message,
        { ...config, ...config.worker, pageSize, retry: config.worker },
        {
          datazone: session,
          queue: events,
          clock,
          warn: (text, fields) => logger.warn(text, fields),
          hasTimeForAPage: () => deadline.remainingMs() / 1000 > pageSeconds * 1.5,
          continueWith: (cursor) => continueWith(cursor),
          pageSwept: (cursor, page, total) => {
            count('AssetsScanned', page.assetsScanned);
            count('RevisionsMissing', page.revisionsMissing);
            count('ReconcileEventsEnqueued', page.enqueued);
            const left = total === undefined ? undefined : Math.max(0, total - cursor.counts.assetsScanned);
            logger.info('sweep page done', {
              ...cursor,
              nextToken: undefined,
              estimatedSecondsLeft:
                left === undefined ? undefined : sweepSeconds(left, config.requestsPerSecond),
            });
          },
          sweepDone: (cursor) => {
            count('SweepsCompleted', 1);
            metrics.addMetric('SweepMissingRevisions', MetricUnit.Count, cursor.counts.revisionsMissing);
            logger.info('sweep done', { ...cursor, nextToken: undefined });
          },
        },
      );
    }
  } catch (error) {
    // The message comes back (SQS) and its page is swept again; which operation's rate was short is counted.
    countServiceErrorByOperation(metrics, error);
    throw error;
  } finally {
    session.close();
    deadline.finish();
  }
}

/** The assets one sweep can judge in `seconds` at the configured rate. */
function sweepAssetsWithin(seconds: number): number {
  return seconds / sweepSeconds(1, config.requestsPerSecond);
}

async function continueWith(cursor: SweepCursor): Promise<void> {
  await sqs.send(
    new SendMessageCommand({ QueueUrl: config.sweepQueueUrl, MessageBody: JSON.stringify(cursor) }),
  );
}

export const handler = middy(sweep)
  .use(injectLambdaContext(logger, { logEvent: false }))
  .use(logMetrics(metrics));
