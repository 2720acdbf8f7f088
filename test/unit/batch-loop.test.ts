/** The batch loop with plain fakes for its ports: no SDK, no mocks of modules. */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/core/errors.js';
import type { DataZoneGateway, DataZonePort, QueuePort, VisibilityChange } from '../../src/core/ports.js';
import { processSqsBatch } from '../../src/intake/sqs-batch.js';
import { loadConfig } from '../../src/runtime/config.js';
import { InvocationDeadline } from '../../src/runtime/deadline.js';
import { OutcomeReporter } from '../../src/runtime/observability.js';
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
