/**
 * One log line and one metric per record outcome, plus the metrics of the reporting side effects.
 * Keys are passed per line rather than appended to the logger, because records of a batch run concurrently.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { RecordOutcome, RetryCause } from '../core/outcome.js';
import { truncateCodePoints } from '../core/text.js';

export const METRIC = {
  runsStarted: 'RunsStarted',
  runsAlreadyExisting: 'RunsAlreadyExisting',
  eventsSkipped: 'EventsSkipped',
  throttled: 'Throttled',
  quotaExceeded: 'QuotaExceeded',
  transientFailures: 'TransientFailures',
  deferred: 'RecordsDeferred',
  deadLettered: 'DeadLettered',
  deadLetterSendFailures: 'DeadLetterSendFailures',
  visibilityChangeFailures: 'VisibilityChangeFailures',
  unreadableRecords: 'UnreadableRecords',
} as const;

const RETRY_METRIC: Record<RetryCause, string> = {
  throttled: METRIC.throttled,
  quota: METRIC.quotaExceeded,
  transient: METRIC.transientFailures,
  deferred: METRIC.deferred,
  deadline: METRIC.deferred,
  'dead-letter-unavailable': METRIC.deadLetterSendFailures,
  'asset-busy': METRIC.transientFailures,
};

/** Where a record came from, for its log line. */
export interface RecordContext {
  readonly messageId?: string | undefined;
  readonly eventId?: string | undefined;
  readonly detailType?: string | undefined;
  readonly receiveCount?: number | undefined;
  readonly visibilityTimeoutSeconds?: number | undefined;
}

export class OutcomeReporter {
  constructor(
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  report(outcome: RecordOutcome, context: RecordContext): void {
    const target = outcome.target;
    const line = capped({
      outcome: outcome.kind,
      ...context,
      domainId: target?.domainId,
      assetId: target?.assetId,
      revision: target?.revision,
      assetType: target?.assetType,
      clientToken: target?.clientToken,
      ...describe(outcome),
    });
    switch (outcome.kind) {
      case 'started':
        this.count(METRIC.runsStarted);
        this.logger.info('metadata generation run started', line);
        return;
      case 'already-exists':
        this.count(METRIC.runsAlreadyExisting);
        this.logger.info('metadata generation run already exists', line);
        return;
      case 'skipped':
        this.count(METRIC.eventsSkipped);
        this.logger.info('event skipped', line);
        return;
      case 'retry':
        this.count(RETRY_METRIC[outcome.cause]);
        this.logger.warn('record handed back for a later attempt', line);
        return;
      case 'dead-letter':
        this.count(METRIC.deadLettered);
        this.logger.error('record sent to the dead-letter queue', line);
        return;
    }
  }

  /** An SQS batch entry that is not a record at all: it cannot be reported back, so it is at least told. */
  unreadableRecord(index: number, got: string): void {
    this.count(METRIC.unreadableRecords);
    this.logger.error('unreadable SQS record left out of the batch', { recordIndex: index, got });
  }

  visibilityChangeFailed(context: RecordContext, errorName: string, errorMessage: string): void {
    this.count(METRIC.visibilityChangeFailures);
    // The record is still reported as failed: it returns after the queue's own visibility timeout.
    this.logger.error('visibility change failed', capped({ ...context, errorName, errorMessage }));
  }

  private count(name: string): void {
    this.metrics.addMetric(name, MetricUnit.Count, 1);
  }
}

/** Free text may say more than identifiers; neither may make a log line grow with its input. */
const MAX_TEXT_CODE_POINTS = 1024;
const MAX_VALUE_CODE_POINTS = 256;
const FREE_TEXT_KEYS = new Set(['reason', 'errorMessage']);

/**
 * Event fields and error messages are user-controlled: a 200 KB detail-type would otherwise make a 400 KB line.
 * Logs keep the start of each value; the DLQ keeps the original body.
 */
function capped<T extends Record<string, unknown>>(line: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(line)) {
    out[key] =
      typeof value === 'string'
        ? truncateCodePoints(value, FREE_TEXT_KEYS.has(key) ? MAX_TEXT_CODE_POINTS : MAX_VALUE_CODE_POINTS)
        : value;
  }
  return out as T;
}

function describe(outcome: RecordOutcome): Record<string, string | undefined> {
  switch (outcome.kind) {
    case 'started':
      return { runId: outcome.runId, runStatus: outcome.runStatus };
    case 'skipped':
      return { reason: outcome.reason };
    case 'retry':
      return {
        retryCause: outcome.cause,
        errorName: outcome.error.name,
        errorMessage: outcome.error.message,
      };
    case 'already-exists':
      return { runId: outcome.runId, errorName: outcome.error.name, errorMessage: outcome.error.message };
    case 'dead-letter':
      return { errorName: outcome.error.name, errorMessage: outcome.error.message };
  }
}
