/** The batch loop with plain fakes for its ports: no SDK, no mocks of modules. */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { DataZonePort } from '../../src/datazone/client.js';
import { processSqsBatch } from '../../src/intake/sqs-batch.js';
import type { QueuePort, VisibilityChange } from '../../src/queues/sqs.js';
import { loadConfig } from '../../src/runtime/config.js';
import { InvocationDeadline } from '../../src/runtime/deadline.js';
import { OutcomeReporter } from '../../src/runtime/observability.js';
import { sqsEvent } from '../support/lambda.js';

const config = loadConfig({ DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/dlq' });

const unreachable = async (): Promise<never> => {
  throw new Error('unreachable');
};

/** A DataZone port that grants every slot at once and fails the test on any call not overridden. */
function fakePort(overrides: Partial<DataZonePort>): DataZonePort {
  return {
    reserveCalls: (count) => Array.from({ length: count }, () => Date.now()),
    releaseCalls: () => undefined,
    getAsset: unreachable,
    startMetadataGenerationRun: unreachable,
    findRun: unreachable,
    ...overrides,
  };
}

function fakes(datazone: DataZonePort) {
  const visibility: VisibilityChange[] = [];
  const deadLetters: string[] = [];
  const queues: QueuePort = {
    sendToDeadLetterQueue: async ({ body }) => {
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
  return { deps: { config, datazone, queues, deadline, reporter, random: () => 0 }, visibility, deadLetters };
}

describe('processSqsBatch', () => {
  it('turns a defect while processing one record into that record’s retry, not the batch’s failure', async () => {
    const event: SQSEvent = sqsEvent('sqs/batch.json');
    const datazone = fakePort({
      getAsset: async () => ({
        revision: '1',
        owningProjectId: 'b3x7mz1q9w2k4e',
        typeIdentifier: 'amazon.datazone.GlueTableAssetType',
      }),
      findRun: async () => undefined,
      startMetadataGenerationRun: async (request) => {
        // A bug, not a service error: thrown synchronously by code that should never throw.
        if (request.assetId === 'e8n2v6c4x1q7jm')
          throw new TypeError("Cannot read properties of undefined (reading 'id')");
        return { runId: `run-${request.assetId}`, status: 'SUBMITTED' };
      },
    });
    const { deps, visibility } = fakes(datazone);
    const result = await processSqsBatch(event, deps);
    const failed = event.Records[1]?.messageId;
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: failed }] });
    expect(visibility.map((change) => [change.key, change.timeoutSeconds])).toEqual([[failed, 5]]);
  });

  it('retries, never deletes, a record whose processing threw an error that looks permanent', async () => {
    const event: SQSEvent = {
      Records: [sqsEvent('sqs/batch.json').Records[0]].filter((r) => r !== undefined),
    };
    const datazone = fakePort({
      reserveCalls: () => {
        throw Object.assign(new Error('thrown by a defect'), { name: 'ValidationException' });
      },
    });
    const { deps, deadLetters } = fakes(datazone);
    const result = await processSqsBatch(event, deps);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0]?.messageId }] });
    expect(deadLetters).toEqual([]);
  });

  it('still reports every record when reserving slots itself throws', async () => {
    const event: SQSEvent = sqsEvent('sqs/batch.json');
    const datazone = fakePort({
      reserveCalls: () => {
        throw new RangeError('broken limiter');
      },
    });
    const { deps, deadLetters } = fakes(datazone);
    const result = await processSqsBatch(event, deps);
    // Records needing DataZone are retried; the skipped ones and the malformed body are completed.
    expect(result.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(
      [0, 1, 2, 3, 5, 7].map((index) => event.Records[index]?.messageId),
    );
    expect(deadLetters).toEqual([event.Records[6]?.body]);
  });

  it('gives up on visibility changes before the Lambda timeout instead of timing out the whole batch', async () => {
    const event: SQSEvent = {
      Records: [sqsEvent('sqs/batch.json').Records[0]].filter((r) => r !== undefined),
    };
    const datazone = fakePort({
      startMetadataGenerationRun: async () => {
        throw Object.assign(new Error('down'), {
          name: 'InternalServerException',
          $metadata: { httpStatusCode: 500 },
        });
      },
      findRun: async () => undefined,
    });
    const { deps } = fakes(datazone);
    // SQS hangs: the call only ends when its abort signal fires.
    const queues: QueuePort = {
      sendToDeadLetterQueue: async () => undefined,
      changeVisibility: (changes, abortSignal) =>
        new Promise((resolve) => {
          abortSignal?.addEventListener('abort', () =>
            resolve(changes.map(({ key }) => ({ key, errorName: 'AbortError', errorMessage: 'aborted' }))),
          );
        }),
    };
    deps.deadline.start(700, 300);
    const started = Date.now();
    const result = await processSqsBatch(event, { ...deps, queues });
    // Aborted 250 ms before the 700 ms Lambda timeout (at 450 ms), not left to run into it.
    expect(Date.now() - started).toBeLessThan(700);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0]?.messageId }] });
    deps.deadline.finish();
  });

  it('gives back the slots a record did not use: a duplicate sharing a call, an unsupported asset', async () => {
    const source = sqsEvent('sqs/batch.json');
    // Records 0 and 7 are the same event (one call); 5 needs GetAsset and turns out unsupported (one of two).
    const event: SQSEvent = {
      Records: [0, 7, 5].map((index) => source.Records[index]).filter((r) => r !== undefined),
    };
    let reserved = 0;
    let released = 0;
    const datazone = fakePort({
      reserveCalls: (count) => {
        reserved += count;
        return Array.from({ length: count }, () => Date.now());
      },
      releaseCalls: (count) => {
        released += count;
      },
      getAsset: async () => ({
        revision: '1',
        owningProjectId: 'b3x7mz1q9w2k4e',
        typeIdentifier: 'amazon.datazone.S3ObjectCollectionAssetType',
      }),
      startMetadataGenerationRun: async (request) => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        return { runId: `run-${request.assetId}`, status: 'SUBMITTED' };
      },
      findRun: async () => undefined,
    });
    const { deps } = fakes(datazone);
    expect(await processSqsBatch(event, deps)).toEqual({ batchItemFailures: [] });
    expect(reserved).toBe(4);
    expect(released).toBe(2);
  });

  it('lets a dead-letter send that outlasts the deadline finish, so that it is not sent twice', async () => {
    const malformed = sqsEvent('sqs/batch.json').Records[6];
    if (malformed === undefined) throw new Error('fixture lost its malformed record');
    const { deps } = fakes(fakePort({}));
    // SQS takes the message at once but answers after 300 ms; an aborted call rejects, as the SDK's does.
    const arrived: string[] = [];
    const slowDeadLetterQueue: QueuePort = {
      ...deps.queues,
      sendToDeadLetterQueue: ({ body }, abortSignal) => {
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
    const result = await processSqsBatch({ Records: [malformed] }, { ...deps, queues: slowDeadLetterQueue });
    deps.deadline.finish();
    expect(result).toEqual({ batchItemFailures: [] });
    expect(arrived).toEqual([malformed.body]);
  });
});
