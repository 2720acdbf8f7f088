/**
 * The Lambda handler over its ports: each invocation starts the deadline, then dispatches an SQS batch
 * (EventBridge rule → queue → function) or a single EventBridge event (rule → function).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Deadline } from '../core/ports.js';
import { type DirectEventDeps, type DirectEventResult, processDirectEvent } from './direct-event.js';
import { processSqsBatch, type SqsBatchDeps } from './sqs-batch.js';

/** The invocation's deadline, restarted for each invocation (Lambda runs one at a time per container). */
interface InvocationClock extends Deadline {
  start(remainingMs: number, marginMs: number): void;
  finish(): void;
}

export type HandlerDeps = SqsBatchDeps &
  DirectEventDeps & {
    readonly deadline: InvocationClock;
    readonly deadlineSafetyMarginMs: number;
    readonly logger: Logger;
    readonly metrics: Metrics;
  };

/**
 * An SQS batch is recognised by any of its records: a record missing its fields is still that batch's record,
 * handled on its own, rather than turning the whole batch into one direct event.
 */
function isSqsEvent(event: unknown): event is SQSEvent {
  const records = (event as { Records?: unknown } | null)?.Records;
  return (
    Array.isArray(records) &&
    records.some((record) => (record as { eventSource?: unknown } | null)?.eventSource === 'aws:sqs')
  );
}

export function createHandler(deps: HandlerDeps) {
  const handle = async (event: unknown, context: Context): Promise<SQSBatchResponse | DirectEventResult> => {
    deps.deadline.start(context.getRemainingTimeInMillis(), deps.deadlineSafetyMarginMs);
    // The event itself is not logged, not even at DEBUG: it holds receipt handles and unbounded user content.
    try {
      return isSqsEvent(event) ? await processSqsBatch(event, deps) : await processDirectEvent(event, deps);
    } finally {
      deps.deadline.finish();
    }
  };
  return (
    middy(handle)
      // Explicitly off: POWERTOOLS_LOGGER_LOG_EVENT would otherwise log whole events, receipt handles included.
      .use(injectLambdaContext(deps.logger, { logEvent: false }))
      .use(logMetrics(deps.metrics, { captureColdStartMetric: true }))
  );
}
