/** What the reporter logs and counts for each record outcome, through a fake logger and a fake metrics sink. */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/core/errors.js';
import type { RecordOutcome, RetryCause, RunReport } from '../../src/core/outcome.js';
import {
  countServiceErrorByOperation,
  OutcomeReporter,
  type RecordContext,
} from '../../src/runtime/observability.js';

type Level = 'info' | 'warn' | 'error';
interface LogLine {
  readonly level: Level;
  readonly message: string;
  readonly fields: Record<string, unknown>;
}
/** A metric as it would be published: its name, unit, value and the dimension of a single metric, if any. */
interface Published {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  readonly dimension?: [string, string];
}

/** The parts of Powertools' Logger and Metrics the reporter uses, recording what they are given. */
function recordingReporter() {
  const lines: LogLine[] = [];
  const metrics: Published[] = [];
  const log = (level: Level) => (message: string, fields: Record<string, unknown>) =>
    lines.push({ level, message, fields });
  const logger = { info: log('info'), warn: log('warn'), error: log('error') };
  const sink = {
    addMetric: (name: string, unit: string, value: number) => metrics.push({ name, unit, value }),
    singleMetric: () => {
      let dimension: [string, string] | undefined;
      return {
        addDimension: (name: string, value: string) => {
          dimension = [name, value];
        },
        addMetric: (name: string, unit: string, value: number) =>
          metrics.push({ name, unit, value, ...(dimension === undefined ? {} : { dimension }) }),
      };
    },
  };
  const reporter = new OutcomeReporter(logger as unknown as Logger, sink as unknown as Metrics);
  return { reporter, lines, metrics, sink: sink as unknown as Metrics };
}

const count = (name: string, value = 1): Published => ({ name, unit: 'Count', value });

const TARGET = {
  domainId: 'dzd_bc8e1ez8r2a6xz',
  assetId: 'asset-1',
  revision: '3',
  assetType: 'amazon.datazone.GlueTableAssetType',
  clientToken: 'token-1',
};
const TARGET_FIELDS = {
  domainId: 'dzd_bc8e1ez8r2a6xz',
  assetId: 'asset-1',
  revision: '3',
  assetType: 'amazon.datazone.GlueTableAssetType',
  clientToken: 'token-1',
};
const NO_TARGET = {
  domainId: undefined,
  assetId: undefined,
  revision: undefined,
  assetType: undefined,
  clientToken: undefined,
};
const CONTEXT: RecordContext = { messageId: 'msg-1', eventId: 'evt-1', receiveCount: 2 };
const FAILED_RUN: RunReport = {
  runId: 'run-1',
  status: 'PARTIALLY_SUCCEEDED',
  types: ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'],
  typeStats: [
    { type: 'BUSINESS_DESCRIPTIONS', status: 'SUCCEEDED' },
    { type: 'BUSINESS_NAMES', status: 'FAILED' },
  ],
  durationSeconds: 42,
};
const ERROR = { name: 'ValidationException', message: 'bad asset' };

function reported(outcome: RecordOutcome, context: RecordContext = CONTEXT) {
  const { reporter, lines, metrics } = recordingReporter();
  reporter.report(outcome, context);
  return { lines, metrics };
}

describe('OutcomeReporter.report', () => {
  it('logs a started run with the record’s context and target, and counts it', () => {
    const { lines, metrics } = reported({
      kind: 'started',
      target: TARGET,
      runId: 'run-1',
      runStatus: 'SUBMITTED',
    });
    expect(lines).toEqual([
      {
        level: 'info',
        message: 'metadata generation run started',
        fields: {
          outcome: 'started',
          ...CONTEXT,
          ...TARGET_FIELDS,
          runId: 'run-1',
          runStatus: 'SUBMITTED',
        },
      },
    ]);
    expect(metrics).toEqual([count('RunsStarted')]);
  });

  it('counts only the runs started now of a record with several groups, and nothing when none was', () => {
    const group = (runId: string, startedNow: boolean) => ({ types: ['BUSINESS_NAMES'], runId, startedNow });
    const started = (groups: ReturnType<typeof group>[]) =>
      reported({ kind: 'started', target: TARGET, runId: 'run-1', groups }).metrics;
    expect(started([group('run-1', true), group('run-0', false), group('run-2', true)])).toEqual([
      count('RunsStarted', 2),
    ]);
    expect(started([group('run-1', false)])).toEqual([]);
  });

  it('caps the fields of the line it logs', () => {
    const { lines } = reported(
      { kind: 'skipped', reason: 'r'.repeat(2000) },
      { detailType: 'd'.repeat(2000) },
    );
    expect(lines[0]?.fields).toMatchObject({
      reason: `${'r'.repeat(1023)}…`,
      detailType: `${'d'.repeat(255)}…`,
    });
  });

  it.each<[string, RecordOutcome, Level, string, Published[]]>([
    [
      'an existing run',
      { kind: 'already-exists', target: TARGET, error: ERROR, runId: 'run-0' },
      'info',
      'metadata generation run already exists',
      [count('RunsAlreadyExisting')],
    ],
    [
      'a skipped event',
      { kind: 'skipped', reason: 'unsupported', target: TARGET },
      'info',
      'event skipped',
      [count('EventsSkipped')],
    ],
    [
      'an unreadable outcome event',
      { kind: 'outcome-unreadable', reason: 'no runId' },
      'warn',
      'run outcome event could not be read',
      [count('OutcomeEventsUnreadable')],
    ],
    [
      'a dead letter',
      { kind: 'dead-letter', error: ERROR, target: TARGET },
      'error',
      'record sent to the dead-letter queue',
      [count('DeadLettered')],
    ],
    [
      'a name generation that succeeded',
      { kind: 'name-generation-ended', status: 'SUCCEEDED', domainId: TARGET.domainId },
      'info',
      'business name generation ended',
      [count('NameGenerationSucceeded')],
    ],
    [
      'a name generation that failed',
      { kind: 'name-generation-ended', status: 'FAILED' },
      'info',
      'business name generation ended',
      [count('NameGenerationFailed')],
    ],
  ])('logs and counts %s', (_name, outcome, level, message, published) => {
    const { lines, metrics } = reported(outcome);
    expect(lines.map((line) => [line.level, line.message, line.fields.outcome])).toEqual([
      [level, message, outcome.kind],
    ]);
    expect(metrics).toEqual(published);
  });

  it('leaves the target fields empty for an outcome without a target', () => {
    const { lines } = reported({ kind: 'outcome-unreadable', reason: 'no runId' }, {});
    expect(lines[0]?.fields).toStrictEqual({
      outcome: 'outcome-unreadable',
      ...NO_TARGET,
      reason: 'no runId',
    });
  });

  it.each<[RetryCause, string]>([
    ['throttled', 'Throttled'],
    ['quota', 'QuotaExceeded'],
    ['transient', 'TransientFailures'],
    ['deferred', 'RecordsDeferred'],
    ['deadline', 'RecordsDeferred'],
    ['dead-letter-unavailable', 'DeadLetterSendFailures'],
    ['asset-busy', 'TransientFailures'],
    ['run-retry-wait', 'RunRetriesWaiting'],
  ])('warns of a retry for %s and counts it as %s', (cause, metric) => {
    const { lines, metrics } = reported({
      kind: 'retry',
      cause,
      schedule: 'short',
      error: ERROR,
      target: TARGET,
    });
    expect(lines).toEqual([
      {
        level: 'warn',
        message: 'record handed back for a later attempt',
        fields: {
          outcome: 'retry',
          ...CONTEXT,
          ...TARGET_FIELDS,
          retryCause: cause,
          errorName: 'ValidationException',
          errorMessage: 'bad asset',
        },
      },
    ]);
    expect(metrics).toEqual([count(metric)]);
  });

  it.each<[RetryCause, string, string]>([
    ['throttled', 'Throttled', 'ThrottledByOperation'],
    ['quota', 'QuotaExceeded', 'QuotaExceededByOperation'],
    ['deferred', 'RecordsDeferred', 'RecordsDeferredByOperation'],
  ])('counts a retry for %s once more by the operation that met it', (cause, metric, byOperation) => {
    const { lines, metrics } = reported({
      kind: 'retry',
      cause,
      schedule: 'short',
      error: { name: 'ThrottlingException', message: 'Rate exceeded', operation: 'GetAsset' },
      target: TARGET,
    });
    expect(lines[0]?.fields).toMatchObject({ operation: 'GetAsset' });
    expect(metrics).toEqual([count(metric), { ...count(byOperation), dimension: ['Operation', 'GetAsset'] }]);
  });

  it('counts a transient failure without the operation, and a throttle whose operation is unknown once', () => {
    const transient = reported({
      kind: 'retry',
      cause: 'transient',
      schedule: 'short',
      error: { name: 'InternalServerException', message: 'oops', operation: 'StartMetadataGenerationRun' },
      target: TARGET,
    });
    expect(transient.metrics).toEqual([count('TransientFailures')]);
    const unknown = reported({
      kind: 'retry',
      cause: 'throttled',
      schedule: 'short',
      error: ERROR,
      target: TARGET,
    });
    expect(unknown.metrics).toEqual([count('Throttled')]);
  });

  it('records an ended run: its status, each type’s result by generation type, its duration', () => {
    const { lines, metrics } = reported({
      kind: 'run-ended',
      target: TARGET,
      run: FAILED_RUN,
      next: { why: 'attempts left for the failed types' },
    });
    expect(lines.map((line) => [line.level, line.message])).toEqual([
      ['info', 'metadata generation run ended'],
    ]);
    expect(metrics).toEqual([
      count('RunsPartiallySucceeded'),
      { name: 'RunDuration', unit: 'Seconds', value: 42 },
      { ...count('TypeSucceeded'), dimension: ['GenerationType', 'BUSINESS_DESCRIPTIONS'] },
      { ...count('TypeFailed'), dimension: ['GenerationType', 'BUSINESS_NAMES'] },
    ]);
  });

  it('counts a run started again, and no duration for a run without one', () => {
    const run: RunReport = { runId: 'run-1', status: 'FAILED', types: ['BUSINESS_NAMES'], typeStats: [] };
    const { metrics } = reported({
      kind: 'run-ended',
      target: TARGET,
      run,
      next: { runId: 'run-2', attempt: 2 },
    });
    expect(metrics).toEqual([count('RunsFailed'), count('RunsRetried')]);
  });

  it('names the metric of each final run status', () => {
    const statusMetric = (status: string) =>
      reported({
        kind: 'run-ended',
        target: TARGET,
        run: { runId: 'run-1', status, types: [], typeStats: [] },
        next: { why: 'done' },
      }).metrics[0]?.name;
    expect(['SUCCEEDED', 'FAILED', 'PARTIALLY_SUCCEEDED', 'CANCELED'].map(statusMetric)).toEqual([
      'RunsSucceeded',
      'RunsFailed',
      'RunsPartiallySucceeded',
      'RunsCanceled',
    ]);
  });

  it('records the run of a record dead-lettered after its last attempt, as given up', () => {
    const { lines, metrics } = reported({
      kind: 'dead-letter',
      error: ERROR,
      target: TARGET,
      run: FAILED_RUN,
    });
    expect(lines.map((line) => [line.level, line.message])).toEqual([
      ['error', 'record sent to the dead-letter queue'],
    ]);
    expect(metrics).toEqual([
      count('DeadLettered'),
      count('RunsPartiallySucceeded'),
      { name: 'RunDuration', unit: 'Seconds', value: 42 },
      { ...count('TypeSucceeded'), dimension: ['GenerationType', 'BUSINESS_DESCRIPTIONS'] },
      { ...count('TypeFailed'), dimension: ['GenerationType', 'BUSINESS_NAMES'] },
      count('RunsGivenUp'),
    ]);
  });
});

describe('OutcomeReporter: the batch’s side effects', () => {
  it('tells of an unreadable SQS record, with its index and what it was', () => {
    const { reporter, lines, metrics } = recordingReporter();
    reporter.unreadableRecord(3, 'null');
    expect(lines).toEqual([
      {
        level: 'error',
        message: 'unreadable SQS record left out of the batch',
        fields: { recordIndex: 3, got: 'null' },
      },
    ]);
    expect(metrics).toEqual([count('UnreadableRecords')]);
  });

  it('tells of a failed visibility change, with the record’s context and the error, capped', () => {
    const { reporter, lines, metrics } = recordingReporter();
    reporter.visibilityChangeFailed(CONTEXT, 'AccessDenied', 'e'.repeat(2000));
    expect(lines).toEqual([
      {
        level: 'error',
        message: 'visibility change failed',
        fields: { ...CONTEXT, errorName: 'AccessDenied', errorMessage: `${'e'.repeat(1023)}…` },
      },
    ]);
    expect(metrics).toEqual([count('VisibilityChangeFailures')]);
  });
});

describe('countServiceErrorByOperation: a failed reconciler step', () => {
  const failure = (kind: ServiceError['kind'], operation?: string) =>
    new ServiceError(kind, 'SomeException', 'refused', operation === undefined ? {} : { operation });

  it('counts a throttle and a quota error once each, by the operation that refused the call', () => {
    const { sink, metrics } = recordingReporter();
    countServiceErrorByOperation(sink, failure('throttled', 'Search'));
    countServiceErrorByOperation(sink, failure('quota', 'GetAsset'));
    expect(metrics).toEqual([
      { ...count('ThrottledByOperation'), dimension: ['Operation', 'Search'] },
      { ...count('QuotaExceededByOperation'), dimension: ['Operation', 'GetAsset'] },
    ]);
  });

  it('counts nothing for other kinds, a service error without an operation, or anything else thrown', () => {
    const { sink, metrics } = recordingReporter();
    for (const kind of ['transient', 'permanent', 'conflict'] as const) {
      countServiceErrorByOperation(sink, failure(kind, 'Search'));
    }
    countServiceErrorByOperation(sink, failure('throttled'));
    countServiceErrorByOperation(sink, { kind: 'throttled', operation: 'Search' });
    countServiceErrorByOperation(sink, new Error('the sweep queue refused the cursor'));
    countServiceErrorByOperation(sink, undefined);
    expect(metrics).toEqual([]);
  });
});
