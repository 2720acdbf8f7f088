/**
 * One log line and its metrics per record outcome, plus the metrics of the reporting side effects.
 * Keys are passed per line rather than appended to the logger, because records of a batch run concurrently.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { ServiceError } from '../core/errors.js';
import type { RecordOutcome, RetryCause, RunReport } from '../core/outcome.js';
import { capped, describe } from './log-line.js';

const METRIC = {
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
  runsRetried: 'RunsRetried',
  runRetriesWaiting: 'RunRetriesWaiting',
  runsGivenUp: 'RunsGivenUp',
  runDuration: 'RunDuration',
  outcomeEventsUnreadable: 'OutcomeEventsUnreadable',
} as const;

const RETRY_METRIC: Record<RetryCause, string> = {
  throttled: METRIC.throttled,
  quota: METRIC.quotaExceeded,
  transient: METRIC.transientFailures,
  deferred: METRIC.deferred,
  deadline: METRIC.deferred,
  'dead-letter-unavailable': METRIC.deadLetterSendFailures,
  'asset-busy': METRIC.transientFailures,
  'run-retry-wait': METRIC.runRetriesWaiting,
};

/**
 * Throttles, quotas and request slots are per DataZone operation: these are counted once more with the operation
 * as a dimension, so that a dashboard says which operation's rate to lower or raise. Under names of their own: a
 * sum of `Throttled` over the EMF lines (Logs Insights, the local runner) would otherwise count each throttle twice.
 */
const BY_OPERATION_METRIC = {
  throttled: 'ThrottledByOperation',
  quota: 'QuotaExceededByOperation',
  deferred: 'RecordsDeferredByOperation',
};
/** The same by a record's retry cause: the other causes have no operation to count by. */
const BY_OPERATION_OF_CAUSE: Partial<Record<RetryCause, string>> = BY_OPERATION_METRIC;

/** One count under a second dimension (beside `service`): a metric document of its own. */
function countBy(metrics: Metrics, name: string, dimension: string, value: string): void {
  const single = metrics.singleMetric();
  single.addDimension(dimension, value);
  single.addMetric(name, MetricUnit.Count, 1);
}

/**
 * A throttle or quota error that failed a reconciler's step, counted by operation under the worker's names: the
 * sweep's Search, GetAsset and ListMetadataGenerationRuns draw from the same account quotas as the worker.
 */
export function countServiceErrorByOperation(metrics: Metrics, error: unknown): void {
  if (!(error instanceof ServiceError) || error.operation === undefined) return;
  if (error.kind === 'throttled' || error.kind === 'quota') {
    countBy(metrics, BY_OPERATION_METRIC[error.kind], 'Operation', error.operation);
  }
}

/** A run's final status as a metric name: RunsSucceeded, RunsFailed, RunsPartiallySucceeded, RunsCanceled. */
function runStatusMetric(status: string): string {
  const words = status.toLowerCase().split('_');
  return `Runs${words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('')}`;
}

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
    const target = 'target' in outcome ? outcome.target : undefined;
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
        this.count(METRIC.runsStarted, outcome.groups?.filter((group) => group.startedNow).length ?? 1);
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
      case 'retry': {
        this.count(RETRY_METRIC[outcome.cause]);
        const byOperation = BY_OPERATION_OF_CAUSE[outcome.cause];
        if (byOperation !== undefined && outcome.error.operation !== undefined) {
          countBy(this.metrics, byOperation, 'Operation', outcome.error.operation);
        }
        this.logger.warn('record handed back for a later attempt', line);
        return;
      }
      case 'dead-letter':
        this.count(METRIC.deadLettered);
        if (outcome.run !== undefined) {
          this.recordRun(outcome.run);
          this.count(METRIC.runsGivenUp);
        }
        this.logger.error('record sent to the dead-letter queue', line);
        return;
      case 'run-ended':
        this.recordRun(outcome.run);
        if ('runId' in outcome.next) this.count(METRIC.runsRetried);
        this.logger.info('metadata generation run ended', line);
        return;
      case 'outcome-unreadable':
        this.count(METRIC.outcomeEventsUnreadable);
        this.logger.warn('run outcome event could not be read', line);
        return;
      case 'name-generation-ended':
        this.count(`NameGeneration${outcome.status === 'SUCCEEDED' ? 'Succeeded' : 'Failed'}`);
        this.logger.info('business name generation ended', line);
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

  /** A finished run: by status, by generation type and status (a dimension of its own), and its duration. */
  private recordRun(run: RunReport): void {
    this.count(runStatusMetric(run.status));
    if (run.durationSeconds !== undefined) {
      this.metrics.addMetric(METRIC.runDuration, MetricUnit.Seconds, run.durationSeconds);
    }
    for (const stat of run.typeStats) {
      const name = stat.status === 'SUCCEEDED' ? 'TypeSucceeded' : 'TypeFailed';
      countBy(this.metrics, name, 'GenerationType', stat.type);
    }
  }

  private count(name: string, value = 1): void {
    if (value > 0) this.metrics.addMetric(name, MetricUnit.Count, value);
  }
}
