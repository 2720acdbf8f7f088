/** The worker's own errors → a record's outcome: the one place where a retry gets its cause and schedule. */
import { describe, expect, it } from 'vitest';
import {
  BatchDeferredError,
  DeadlineExceededError,
  InvalidEventError,
  RequestSlotUnavailableError,
  ServiceError,
} from '../../src/core/errors.js';
import { outcomeForError, summarise } from '../../src/core/outcome.js';

const target = { domainId: 'dzd_a', assetId: 'b', clientToken: 't' };
const service = (kind: ServiceError['kind'], name: string) => new ServiceError(kind, name, `${name} message`);

describe('outcomeForError', () => {
  it('dead-letters what will fail again, with the service’s own name', () => {
    expect(outcomeForError(service('permanent', 'ValidationException'), target)).toEqual({
      kind: 'dead-letter',
      error: { name: 'ValidationException', message: 'ValidationException message' },
      target,
    });
    // Strictly: an outcome without a target has no `target` key at all.
    expect(outcomeForError(new InvalidEventError('bad field'))).toStrictEqual({
      kind: 'dead-letter',
      error: { name: 'InvalidEventError', message: 'bad field' },
    });
  });

  it('gives a retry without a target no `target` key', () => {
    expect(outcomeForError(new DeadlineExceededError('late'))).toStrictEqual({
      kind: 'retry',
      cause: 'deadline',
      schedule: 'short',
      error: { name: 'DeadlineExceededError', message: 'late' },
    });
  });

  it('names a record deferred by its batch’s throttle or quota as such, for its log line', () => {
    expect(outcomeForError(new BatchDeferredError('not attempted', true))).toStrictEqual({
      kind: 'retry',
      cause: 'deferred',
      schedule: 'long',
      error: { name: 'BatchDeferredError', message: 'not attempted' },
    });
  });

  it('keeps a record without a request slot in the queue until the slot comes, when that is known', () => {
    expect(
      outcomeForError(new RequestSlotUnavailableError('busy', { retryAfterSeconds: 4 }), target),
    ).toStrictEqual({
      kind: 'retry',
      cause: 'deferred',
      schedule: 'short',
      error: { name: 'RequestSlotUnavailableError', message: 'busy' },
      target,
      visibleAfterSeconds: 4,
    });
    expect(outcomeForError(new RequestSlotUnavailableError('busy'), target)).not.toHaveProperty(
      'visibleAfterSeconds',
    );
  });

  it.each([
    ['a throttle', service('throttled', 'ThrottlingException'), 'throttled', 'short'],
    ['a quota', service('quota', 'ServiceQuotaExceededException'), 'quota', 'long'],
    ['a transient fault', service('transient', 'InternalServerException'), 'transient', 'short'],
    ['an unconfirmed conflict', service('conflict', 'ConflictException'), 'transient', 'short'],
    ['the deadline', new DeadlineExceededError('late'), 'deadline', 'short'],
    ['no request slot', new RequestSlotUnavailableError('busy'), 'deferred', 'short'],
    ['a batch stopped by a throttle', new BatchDeferredError('later', false), 'deferred', 'short'],
    ['a batch stopped by a quota', new BatchDeferredError('later', true), 'deferred', 'long'],
    ['a defect', new TypeError('x is undefined'), 'transient', 'short'],
    ['a thrown string', 'boom', 'transient', 'short'],
  ])('retries %s', (_label, error, cause, schedule) => {
    expect(outcomeForError(error, target)).toMatchObject({ kind: 'retry', cause, schedule, target });
  });
});

describe('summarise', () => {
  it('names what is not an Error, and cuts long messages by code point', () => {
    expect(summarise('boom')).toEqual({ name: 'NonErrorThrown', message: 'boom' });
    expect(summarise(new Error('x'.repeat(5000))).message).toHaveLength(1000);
    const cut = summarise(new Error(`${'x'.repeat(998)}\u{1F600}tail`)).message;
    expect(cut).toBe(`${'x'.repeat(998)}\u{1F600}…`);
  });

  it('names null and undefined as thrown values that are not errors', () => {
    expect(summarise(null)).toEqual({ name: 'NonErrorThrown', message: 'null' });
    expect(summarise(undefined)).toEqual({ name: 'NonErrorThrown', message: 'undefined' });
  });

  it('calls an error without a usable name `Error`, and one without a string message empty', () => {
    expect(summarise(Object.assign(new Error('m'), { name: '' }))).toEqual({ name: 'Error', message: 'm' });
    expect(summarise({ name: 42, message: { text: 'm' } })).toEqual({ name: 'Error', message: '' });
  });

  it('names the operation a deferral did not call', () => {
    expect(summarise(new BatchDeferredError('not attempted', false, 'GetAsset'))).toStrictEqual({
      name: 'BatchDeferredError',
      message: 'not attempted',
      operation: 'GetAsset',
    });
    expect(
      summarise(
        new RequestSlotUnavailableError('later', {
          retryAfterSeconds: 3,
          operation: 'StartMetadataGenerationRun',
        }),
      ),
    ).toStrictEqual({
      name: 'RequestSlotUnavailableError',
      message: 'later',
      operation: 'StartMetadataGenerationRun',
    });
    expect(summarise(new RequestSlotUnavailableError('later'))).not.toHaveProperty('operation');
  });

  it('names the failed operation of a service error, and of nothing else', () => {
    const throttled = new ServiceError('throttled', 'ThrottlingException', 'slow down', {
      operation: 'GetAsset',
    });
    expect(summarise(throttled)).toStrictEqual({
      name: 'ThrottlingException',
      message: 'slow down',
      operation: 'GetAsset',
    });
    expect(summarise(service('throttled', 'ThrottlingException'))).not.toHaveProperty('operation');
    const lookalike = Object.assign(new Error('m'), { operation: 'GetAsset' });
    expect(summarise(lookalike)).not.toHaveProperty('operation');
  });
});
