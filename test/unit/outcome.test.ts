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
    expect(outcomeForError(new InvalidEventError('bad field'))).toEqual({
      kind: 'dead-letter',
      error: { name: 'InvalidEventError', message: 'bad field' },
    });
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
});
