import { describe, expect, it } from 'vitest';
import {
  BatchDeferredError,
  classifyError,
  DeadlineExceededError,
  type ErrorClass,
  outcomeForError,
  RequestSlotUnavailableError,
  tripsBreaker,
} from '../../src/core/outcome.js';

/** Shaped like the SDK's service exceptions. */
function serviceError(name: string, httpStatusCode: number): Error {
  return Object.assign(new Error(`${name} message`), { name, $metadata: { httpStatusCode } });
}

function networkError(code: string): Error {
  return Object.assign(new Error(`socket ${code}`), { code });
}

describe('classifyError', () => {
  const cases: [string, unknown, ErrorClass][] = [
    ['ThrottlingException 429', serviceError('ThrottlingException', 429), 'throttled'],
    ['any 429', serviceError('SomethingElse', 429), 'throttled'],
    ['ServiceQuotaExceededException 402', serviceError('ServiceQuotaExceededException', 402), 'quota'],
    ['ConflictException 409', serviceError('ConflictException', 409), 'conflict'],
    ['ValidationException 400', serviceError('ValidationException', 400), 'permanent'],
    ['AccessDeniedException 403', serviceError('AccessDeniedException', 403), 'permanent'],
    ['UnauthorizedException 401', serviceError('UnauthorizedException', 401), 'permanent'],
    ['ResourceNotFoundException 404', serviceError('ResourceNotFoundException', 404), 'permanent'],
    ['an unknown 4xx', serviceError('WeirdClientError', 418), 'permanent'],
    ['InternalServerException 500', serviceError('InternalServerException', 500), 'transient'],
    ['502', serviceError('BadGateway', 502), 'transient'],
    ['503', serviceError('ServiceUnavailable', 503), 'transient'],
    ['504', serviceError('GatewayTimeout', 504), 'transient'],
    ['TimeoutError', Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 'transient'],
    ['ECONNRESET', networkError('ECONNRESET'), 'transient'],
    ['ECONNREFUSED', networkError('ECONNREFUSED'), 'transient'],
    ['EPIPE', networkError('EPIPE'), 'transient'],
    ['ETIMEDOUT', networkError('ETIMEDOUT'), 'transient'],
    [
      'a wrapped network error',
      Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNRESET' } }),
      'transient',
    ],
    ['the invocation deadline', new DeadlineExceededError('late'), 'deadline'],
    ['no request slot before the deadline', new RequestSlotUnavailableError('busy'), 'deferred'],
    ['a batch deferral', new BatchDeferredError('later', 'quota'), 'deferred'],
    ['an unknown error', new TypeError('x is undefined'), 'transient'],
    ['a thrown string', 'boom', 'transient'],
  ];

  it.each(cases)('%s', (_label, error, expected) => {
    expect(classifyError(error).errorClass).toBe(expected);
  });

  it('keeps the name, message and HTTP status', () => {
    expect(classifyError(serviceError('ValidationException', 400))).toEqual({
      name: 'ValidationException',
      message: 'ValidationException message',
      httpStatus: 400,
      errorClass: 'permanent',
    });
    expect(classifyError('boom')).toMatchObject({ name: 'NonErrorThrown', message: 'boom' });
  });

  it('truncates very long messages', () => {
    const { message } = classifyError(new Error('x'.repeat(5000)));
    expect(message.length).toBe(1000);
  });
});

describe('outcomeForError', () => {
  const target = { domainId: 'dzd_a', assetId: 'b', clientToken: 't' };

  it('maps each class to its outcome', () => {
    const outcome = (error: unknown) => outcomeForError(classifyError(error), target);
    expect(outcome(serviceError('ConflictException', 409))).toMatchObject({ kind: 'already-exists', target });
    expect(outcome(serviceError('ValidationException', 400))).toMatchObject({ kind: 'dead-letter', target });
    expect(outcome(serviceError('ThrottlingException', 429))).toMatchObject({
      kind: 'retry',
      cause: 'throttled',
      schedule: 'retry',
    });
    expect(outcome(serviceError('ServiceQuotaExceededException', 402))).toMatchObject({
      kind: 'retry',
      cause: 'quota',
      schedule: 'quota',
    });
    expect(outcome(serviceError('InternalServerException', 500))).toMatchObject({
      kind: 'retry',
      cause: 'transient',
    });
    expect(outcome(new DeadlineExceededError('late'))).toMatchObject({ kind: 'retry', cause: 'deadline' });
  });

  it('only throttles and quota errors trip the batch breaker', () => {
    const trips = (error: unknown) => tripsBreaker(classifyError(error));
    expect(trips(serviceError('ThrottlingException', 429))).toBe(true);
    expect(trips(serviceError('ServiceQuotaExceededException', 402))).toBe(true);
    expect(trips(serviceError('InternalServerException', 500))).toBe(false);
    expect(trips(serviceError('ValidationException', 400))).toBe(false);
  });
});
