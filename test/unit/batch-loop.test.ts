/** The batch loop with plain fakes for its ports: no SDK, no mocks of modules. */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/core/errors.js';
import type { RecordOutcome } from '../../src/core/outcome.js';
import type {
  DataZoneGateway,
  DataZonePort,
  Deadline,
  QueuePort,
  VisibilityChange,
  VisibilityChangeFailure,
} from '../../src/core/ports.js';
import { processSqsBatch } from '../../src/intake/sqs-batch.js';
import { loadConfig } from '../../src/runtime/config.js';
import { InvocationDeadline } from '../../src/runtime/deadline.js';
import { OutcomeReporter, type RecordContext } from '../../src/runtime/observability.js';
import {
  assetIdOf,
  GLUE_TABLE_EVENT,
  inBatchOrder,
  MALFORMED_BODY,
  NEEDS_DATAZONE,
  REDSHIFT_TABLE_EVENT,
  SAMPLE_BATCH,
} from '../support/fixtures.js';

const config = loadConfig({ DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/dlq' });

const unreachable = async (): Promise<never> => {
  throw new Error('unreachable');
};

/** A DataZone gateway whose sessions answer with `port`; calls not overridden fail the test. */
function fakeGateway(overrides: Partial<DataZonePort>): DataZoneGateway {
  const port: DataZonePort = {
    getAsset: unreachable,
    startMetadataGenerationRun: unreachable,
    listRuns: unreachable,
    getRun: unreachable,
    ...overrides,
  };
  return { batch: () => ({ session: () => ({ ...port, close: () => undefined }) }) };
}

function fakes(datazone: DataZoneGateway) {
  const visibility: VisibilityChange[] = [];
  const deadLetters: string[] = [];
  const queues: QueuePort = {
    deadLetter: async ({ body }) => {
      deadLetters.push(body);
    },
    changeVisibility: async (changes) => {
      visibility.push(...changes);
      return [];
    },
  };
  const deadline = new InvocationDeadline();
  deadline.start(30_000, 0);
  const reporter = new OutcomeReporter(
    new Logger({ logLevel: 'SILENT' }),
    new Metrics({ namespace: 'Test', serviceName: 'test' }),
  );
  return {
    deps: { config, datazone, queues, deadline, reporter, clock: Date.now, random: () => 0 },
    visibility,
    deadLetters,
  };
}

describe('processSqsBatch', () => {
  it('turns a defect while processing one record into that record’s retry, not the batch’s failure', async () => {
    const datazone = fakeGateway({
      getAsset: async () => ({
        revision: '1',
        owningProjectId: 'b3x7mz1q9w2k4e',
        typeIdentifier: 'amazon.datazone.GlueTableAssetType',
      }),
      listRuns: async () => [],
      startMetadataGenerationRun: async (request) => {
        // A bug, not a service error: thrown by code that should never throw.
        if (request.assetId === assetIdOf(REDSHIFT_TABLE_EVENT))
          throw new TypeError("Cannot read properties of undefined (reading 'id')");
        return { runId: `run-${request.assetId}`, status: 'SUBMITTED' };
      },
    });
    const { deps, visibility } = fakes(datazone);
    const result = await processSqsBatch(SAMPLE_BATCH, deps);
    const failed = REDSHIFT_TABLE_EVENT.messageId;
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: failed }] });
    expect(visibility.map((change) => [change.key, change.timeoutSeconds])).toEqual([[failed, 5]]);
  });

  it('retries, never deletes, a record whose processing threw an error that looks permanent', async () => {
    const datazone: DataZoneGateway = {
      batch: () => ({
        session: () => {
          throw Object.assign(new Error('thrown by a defect'), { name: 'ValidationException' });
        },
      }),
    };
    const { deps, deadLetters } = fakes(datazone);
    const result = await processSqsBatch({ Records: [GLUE_TABLE_EVENT] }, deps);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: GLUE_TABLE_EVENT.messageId }] });
    expect(deadLetters).toEqual([]);
  });

  it('still reports every record when the DataZone adapter itself throws', async () => {
    const broken = async (): Promise<never> => {
      throw new RangeError('broken limiter');
    };
    const datazone = fakeGateway({ getAsset: broken, startMetadataGenerationRun: broken, listRuns: broken });
    const { deps, deadLetters } = fakes(datazone);
    const result = await processSqsBatch(SAMPLE_BATCH, deps);
    // Records needing DataZone are retried; the skipped ones and the malformed body are completed.
    expect(result.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(
      inBatchOrder(SAMPLE_BATCH, NEEDS_DATAZONE).map((record) => record.messageId),
    );
    expect(deadLetters).toEqual([MALFORMED_BODY.body]);
  });

  it('gives up on visibility changes before the Lambda timeout instead of timing out the whole batch', async () => {
    const datazone = fakeGateway({
      startMetadataGenerationRun: async () => {
        throw new ServiceError('transient', 'InternalServerException', 'down');
      },
    });
    const { deps } = fakes(datazone);
    // SQS hangs: the call only ends when its abort signal fires.
    const queues: QueuePort = {
      deadLetter: async () => undefined,
      changeVisibility: (changes, abortSignal) =>
        new Promise((resolve) => {
          abortSignal?.addEventListener('abort', () =>
            resolve(changes.map(({ key }) => ({ key, errorName: 'AbortError', errorMessage: 'aborted' }))),
          );
        }),
    };
    deps.deadline.start(700, 300);
    const started = Date.now();
    const result = await processSqsBatch({ Records: [GLUE_TABLE_EVENT] }, { ...deps, queues });
    // Aborted 250 ms before the 700 ms Lambda timeout (at 450 ms), not left to run into it.
    expect(Date.now() - started).toBeLessThan(700);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: GLUE_TABLE_EVENT.messageId }] });
    deps.deadline.finish();
  });

  it('lets a dead-letter send that outlasts the deadline finish, so that it is not sent twice', async () => {
    const { deps } = fakes(fakeGateway({}));
    // SQS takes the message at once but answers after 300 ms; an aborted call rejects, as the SDK's does.
    const arrived: string[] = [];
    const slowDeadLetterQueue: QueuePort = {
      ...deps.queues,
      deadLetter: ({ body }, abortSignal) => {
        arrived.push(body);
        return new Promise((resolve, reject) => {
          const timer = setTimeout(resolve, 300);
          abortSignal?.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
          });
        });
      },
    };
    // Deadline at 200 ms, Lambda timeout at 800 ms: the send has the margin to finish.
    deps.deadline.start(800, 600);
    const result = await processSqsBatch(
      { Records: [MALFORMED_BODY] },
      { ...deps, queues: slowDeadLetterQueue },
    );
    deps.deadline.finish();
    expect(result).toEqual({ batchItemFailures: [] });
    expect(arrived).toEqual([MALFORMED_BODY.body]);
  });
});

/** The reporter, recording what the batch tells it: each record's outcome, unreadable records, failed changes. */
class RecordingReporter extends OutcomeReporter {
  readonly outcomes: { outcome: RecordOutcome; context: RecordContext }[] = [];
  readonly unreadable: [number, string][] = [];
  readonly visibilityFailures: [RecordContext, string, string][] = [];

  constructor() {
    super(new Logger({ logLevel: 'SILENT' }), new Metrics({ namespace: 'Test', serviceName: 'test' }));
  }

  override report(outcome: RecordOutcome, context: RecordContext): void {
    this.outcomes.push({ outcome, context });
  }

  override unreadableRecord(index: number, got: string): void {
    this.unreadable.push([index, got]);
  }

  override visibilityChangeFailed(context: RecordContext, errorName: string, errorMessage: string): void {
    this.visibilityFailures.push([context, errorName, errorMessage]);
  }

  outcomeOf(record: SQSRecord) {
    return this.outcomes.find(({ context }) => context.messageId === record.messageId);
  }
}

/** DataZone answers every start with a transient failure: every record that reaches it is handed back. */
const transientlyFailing = fakeGateway({
  startMetadataGenerationRun: async () => {
    throw new ServiceError('transient', 'InternalServerException', 'down');
  },
});
/** The Glue table event once more, as another message: both copies reach DataZone. */
const GLUE_TABLE_EVENT_AGAIN: SQSRecord = {
  ...GLUE_TABLE_EVENT,
  messageId: 'c0ffee00-0000-4000-8000-000000000001',
};

describe('processSqsBatch: what it reports', () => {
  it('tells of an unreadable record and of a handed-back record without a messageId', async () => {
    const reporter = new RecordingReporter();
    const { deps } = fakes(transientlyFailing);
    const withoutId: SQSRecord = { ...GLUE_TABLE_EVENT, messageId: '' };
    const event = { Records: [null, withoutId, REDSHIFT_TABLE_EVENT] as unknown as SQSRecord[] };

    const result = await processSqsBatch(event, { ...deps, reporter });

    // Lambda would fail the whole batch for an empty itemIdentifier: only the other record is handed back.
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: REDSHIFT_TABLE_EVENT.messageId }] });
    expect(reporter.unreadable).toEqual([
      [0, 'null'],
      [0, 'a record without a messageId to hand back'],
    ]);
  });

  it('reports a defect in a record’s processing as that record’s transient retry, with the defect', async () => {
    const reporter = new RecordingReporter();
    const datazone: DataZoneGateway = {
      batch: () => ({
        session: () => {
          throw new RangeError('no session');
        },
      }),
    };
    const { deps } = fakes(datazone);
    await processSqsBatch({ Records: [GLUE_TABLE_EVENT] }, { ...deps, reporter });
    expect(reporter.outcomes.map(({ outcome }) => outcome)).toEqual([
      {
        kind: 'retry',
        cause: 'transient',
        schedule: 'short',
        error: { name: 'RangeError', message: 'no session' },
      },
    ]);
  });

  it('hands back a record still waiting for DataZone at the deadline as cut off by it', async () => {
    const reporter = new RecordingReporter();
    const expiry = new AbortController();
    const deadline: Deadline = {
      at: Date.now() + 60_000,
      signal: expiry.signal,
      finalSignal: new AbortController().signal,
      expired: () => expiry.signal.aborted,
    };
    // The deadline passes while the call is in flight; the call itself would answer well after the cut-off.
    const datazone = fakeGateway({
      startMetadataGenerationRun: async (request) => {
        expiry.abort();
        await new Promise((resolve) => setTimeout(resolve, 300));
        return { runId: `run-${request.assetId}`, status: 'SUBMITTED' };
      },
    });
    const { deps } = fakes(datazone);
    const result = await processSqsBatch({ Records: [GLUE_TABLE_EVENT] }, { ...deps, deadline, reporter });

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: GLUE_TABLE_EVENT.messageId }] });
    expect(reporter.outcomeOf(GLUE_TABLE_EVENT)?.outcome).toEqual({
      kind: 'retry',
      cause: 'deadline',
      schedule: 'short',
      error: { name: 'DeadlineExceededError', message: 'not finished before the invocation deadline' },
    });
  });

  it('reports a handed-back record with its visibility timeout, and a finished one without', async () => {
    const reporter = new RecordingReporter();
    const { deps } = fakes(transientlyFailing);
    await processSqsBatch({ Records: [GLUE_TABLE_EVENT, MALFORMED_BODY] }, { ...deps, reporter });
    expect(reporter.outcomeOf(GLUE_TABLE_EVENT)?.context).toStrictEqual({
      messageId: GLUE_TABLE_EVENT.messageId,
      receiveCount: 1,
      detailType: 'Asset Added To Inventory',
      visibilityTimeoutSeconds: 5,
    });
    expect(reporter.outcomeOf(MALFORMED_BODY)?.outcome.kind).toBe('dead-letter');
    expect(reporter.outcomeOf(MALFORMED_BODY)?.context).not.toHaveProperty('visibilityTimeoutSeconds');
  });

  it('reports each visibility change SQS refused with the record’s context, or the key it names', async () => {
    const reporter = new RecordingReporter();
    const { deps } = fakes(transientlyFailing);
    const queues: QueuePort = {
      ...deps.queues,
      changeVisibility: async (): Promise<VisibilityChangeFailure[]> => [
        { key: GLUE_TABLE_EVENT.messageId, errorName: 'ReceiptHandleIsInvalid', errorMessage: 'stale' },
        { key: 'unknown entry 7', errorName: 'InternalError', errorMessage: 'lost' },
      ],
    };
    const result = await processSqsBatch({ Records: [GLUE_TABLE_EVENT] }, { ...deps, queues, reporter });

    // The record is handed back all the same: it returns after the queue's own visibility timeout.
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: GLUE_TABLE_EVENT.messageId }] });
    expect(reporter.visibilityFailures).toEqual([
      [
        {
          messageId: GLUE_TABLE_EVENT.messageId,
          receiveCount: 1,
          detailType: 'Asset Added To Inventory',
          visibilityTimeoutSeconds: 5,
        },
        'ReceiptHandleIsInvalid',
        'stale',
      ],
      [{ messageId: 'unknown entry 7' }, 'InternalError', 'lost'],
    ]);
  });

  it('hands back a record whose source queue ARN names no queue, without a visibility change for it', async () => {
    const reporter = new RecordingReporter();
    const { deps, visibility } = fakes(transientlyFailing);
    const fromNowhere: SQSRecord = { ...GLUE_TABLE_EVENT, eventSourceARN: 'arn:aws:sns:eu-west-1:1:topic' };
    const result = await processSqsBatch(
      { Records: [fromNowhere, GLUE_TABLE_EVENT_AGAIN] },
      { ...deps, reporter },
    );

    expect(result.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier)).toEqual([
      fromNowhere.messageId,
      GLUE_TABLE_EVENT_AGAIN.messageId,
    ]);
    expect(visibility.map(({ key }) => key)).toEqual([GLUE_TABLE_EVENT_AGAIN.messageId]);
    expect(reporter.visibilityFailures).toEqual([
      [
        expect.objectContaining({ messageId: fromNowhere.messageId }),
        'InvalidEventSourceArn',
        expect.stringMatching(/^eventSourceARN: expected an SQS queue ARN/),
      ],
    ]);
  });
});
