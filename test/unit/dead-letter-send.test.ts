/**
 * A permanent failure's message goes to the dead-letter queue unchanged, with its reason; a send that fails hands
 * the message back to its source queue instead. A fake queue records what is sent.
 */
import { describe, expect, it } from 'vitest';
import type { RecordOutcome } from '../../src/core/outcome.js';
import type { DeadLetter, QueuePort } from '../../src/core/ports.js';
import { deadLetterIfPermanent } from '../../src/intake/dead-letter.js';

const BODY = ' {"detail-type":"Asset Added To Inventory", "detail": {}} ';
const TARGET = { domainId: 'dzd_a', assetId: 'b', revision: '3', clientToken: 'token-b-3' };
const SOURCE = {
  sourceMessageId: 'm-1',
  receiveCount: 2,
  sourceQueueArn: 'arn:aws:sqs:eu-west-1:111111111111:source',
  detailType: 'Asset Added To Inventory',
  failedAt: new Date('2026-11-30T10:00:00.000Z'),
};
const VALIDATION_FAILED: RecordOutcome = {
  kind: 'dead-letter',
  error: { name: 'ValidationException', message: 'revision 3 is not valid' },
  target: TARGET,
};
const INVALID_EVENT: RecordOutcome = {
  kind: 'dead-letter',
  error: { name: 'InvalidEventError', message: 'detail.assetId: required' },
};

/** A dead-letter queue that takes every message, or refuses every one with `refusal`. */
function fakeQueue(refusal?: Error) {
  const sent: { message: DeadLetter; abortSignal: AbortSignal | undefined }[] = [];
  const queue: QueuePort = {
    deadLetter: async (message, abortSignal) => {
      sent.push({ message, abortSignal });
      if (refusal !== undefined) throw refusal;
    },
    changeVisibility: async () => {
      throw new Error('not a dead-letter send');
    },
  };
  return { queue, sent };
}

describe('deadLetterIfPermanent', () => {
  it('sends the body unchanged with the error, the source and the client token, under the given signal', async () => {
    const { queue, sent } = fakeQueue();
    const signal = new AbortController().signal;
    const outcome = await deadLetterIfPermanent(queue, VALIDATION_FAILED, BODY, SOURCE, signal);

    expect(outcome).toBe(VALIDATION_FAILED);
    expect(sent).toEqual([
      {
        message: {
          body: BODY,
          reason: {
            ...SOURCE,
            errorName: 'ValidationException',
            errorMessage: 'revision 3 is not valid',
            clientToken: 'token-b-3',
          },
        },
        abortSignal: signal,
      },
    ]);
  });

  it('has no client token to send for an event it could not read', async () => {
    const { queue, sent } = fakeQueue();
    await deadLetterIfPermanent(queue, INVALID_EVENT, BODY, SOURCE);
    expect(sent[0]?.message.reason.clientToken).toBeUndefined();
    expect(sent[0]?.message.reason.errorName).toBe('InvalidEventError');
  });

  it.each<[string, RecordOutcome]>([
    ['a started run', { kind: 'started', target: TARGET, runId: 'run-1' }],
    [
      'a retry',
      {
        kind: 'retry',
        cause: 'throttled',
        schedule: 'short',
        error: { name: 'ThrottlingException', message: 'slow down' },
      },
    ],
    ['a skipped event', { kind: 'skipped', reason: 'not an asset event' }],
  ])('sends nothing for %s, and passes it through', async (_label, other) => {
    const { queue, sent } = fakeQueue();
    expect(await deadLetterIfPermanent(queue, other, BODY, SOURCE)).toBe(other);
    expect(sent).toEqual([]);
  });

  it('hands the message back to its queue, with both reasons, when the dead-letter queue refuses it', async () => {
    const refusal = Object.assign(new Error('access to the key was denied'), { name: 'KmsAccessDenied' });
    const { queue } = fakeQueue(refusal);
    expect(await deadLetterIfPermanent(queue, VALIDATION_FAILED, BODY, SOURCE)).toStrictEqual({
      kind: 'retry',
      cause: 'dead-letter-unavailable',
      schedule: 'short',
      error: {
        name: 'KmsAccessDenied',
        message:
          'dead-letter send failed (access to the key was denied) for ValidationException: revision 3 is not valid',
      },
      target: TARGET,
    });
  });

  it('gives the retry of a refused message without a target no `target` key', async () => {
    const { queue } = fakeQueue(new Error('queue does not exist'));
    expect(await deadLetterIfPermanent(queue, INVALID_EVENT, BODY, SOURCE)).toStrictEqual({
      kind: 'retry',
      cause: 'dead-letter-unavailable',
      schedule: 'short',
      error: {
        name: 'Error',
        message:
          'dead-letter send failed (queue does not exist) for InvalidEventError: detail.assetId: required',
      },
    });
  });
});
