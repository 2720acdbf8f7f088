/**
 * One log line and one metric per record outcome, plus the metrics of the reporting side effects.
 * Keys are passed per line rather than appended to the logger, because records of a batch run concurrently.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { RecordOutcome, RetryCause } from './core/outcome.js';

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
    const line = {
      outcome: outcome.kind,
      ...context,
      domainId: target?.domainId,
      assetId: target?.assetId,
      revision: target?.revision,
      assetType: target?.assetType,
      clientToken: target?.clientToken,
      ...describe(outcome),
    };
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

  visibilityChangeFailed(context: RecordContext, errorName: string, errorMessage: string): void {
    this.count(METRIC.visibilityChangeFailures);
    // The record is still reported as failed: it returns after the queue's own visibility timeout.
    this.logger.error('visibility change failed', { ...context, errorName, errorMessage });
  }

  private count(name: string): void {
    this.metrics.addMetric(name, MetricUnit.Count, 1);
  }
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
