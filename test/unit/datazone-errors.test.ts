/** What the DataZone SDK throws, translated once into the worker's ServiceError kinds. */
import { describe, expect, it } from 'vitest';
import { ServiceError, type ServiceErrorKind } from '../../src/core/errors.js';
import { kindOf, toServiceError } from '../../src/datazone/errors.js';

/** Shaped like the SDK's service exceptions. */
function serviceError(name: string, httpStatusCode: number): Error {
  return Object.assign(new Error(`${name} message`), { name, $metadata: { httpStatusCode } });
}

function networkError(code: string): Error {
  return Object.assign(new Error(`socket ${code}`), { code });
}

describe('kindOf, for StartMetadataGenerationRun', () => {
  const cases: [string, unknown, ServiceErrorKind][] = [
    ['ThrottlingException 429', serviceError('ThrottlingException', 429), 'throttled'],
    ['a throttle reported with another status', serviceError('ThrottlingException', 400), 'throttled'],
    ['any 429', serviceError('SomethingElse', 429), 'throttled'],
    ['ServiceQuotaExceededException 402', serviceError('ServiceQuotaExceededException', 402), 'quota'],
    [
      'a quota error reported with another status',
      serviceError('ServiceQuotaExceededException', 400),
      'quota',
    ],
    ['ConflictException 409', serviceError('ConflictException', 409), 'conflict'],
    ['any 409', serviceError('SomethingElse', 409), 'conflict'],
    ['a conflict reported with another status', serviceError('ConflictException', 400), 'conflict'],
    ['ValidationException 400', serviceError('ValidationException', 400), 'permanent'],
    ['AccessDeniedException 403', serviceError('AccessDeniedException', 403), 'permanent'],
    ['UnauthorizedException 401', serviceError('UnauthorizedException', 401), 'permanent'],
    ['ResourceNotFoundException 404', serviceError('ResourceNotFoundException', 404), 'permanent'],
    [
      'a permanent name without a status',
      Object.assign(new Error('x'), { name: 'AccessDeniedException' }),
      'permanent',
    ],
    ['an unknown 4xx', serviceError('WeirdClientError', 418), 'permanent'],
    ['a 408 request timeout', serviceError('RequestTimeoutException', 408), 'transient'],
    ['InternalServerException 500', serviceError('InternalServerException', 500), 'transient'],
    ['a bare 500 with an unknown name', serviceError('Unknown', 500), 'transient'],
    ['502', serviceError('BadGateway', 502), 'transient'],
    ['503', serviceError('ServiceUnavailable', 503), 'transient'],
    ['504', serviceError('GatewayTimeout', 504), 'transient'],
    ['TimeoutError', Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 'transient'],
    ['ECONNRESET', networkError('ECONNRESET'), 'transient'],
    ['ETIMEDOUT', networkError('ETIMEDOUT'), 'transient'],
    ['an unknown error', new TypeError('x is undefined'), 'transient'],
    ['a thrown string', 'boom', 'transient'],
  ];

  it.each(cases)('%s', (_label, error, expected) => {
    expect(kindOf(error, 'StartMetadataGenerationRun')).toBe(expected);
  });
});

describe('kindOf, by name alone', () => {
  /** Shaped like an SDK error that carries no HTTP status (a 200 with an error body, a proxy's answer). */
  const named = (name: string): Error => Object.assign(new Error(`${name} message`), { name });

  it.each([
    'ThrottlingException',
    'Throttling',
    'ThrottledException',
    'TooManyRequestsException',
    'RequestLimitExceeded',
    'RequestThrottled',
    'RequestThrottledException',
    'SlowDown',
  ])('%s is a throttle, whatever the status', (name) => {
    expect(kindOf(named(name), 'GetAsset')).toBe('throttled');
    expect(kindOf(serviceError(name, 400), 'GetAsset')).toBe('throttled');
  });

  it.each([
    'ValidationException',
    'AccessDeniedException',
    'UnauthorizedException',
    'ResourceNotFoundException',
    'UnrecognizedClientException',
    'InvalidSignatureException',
  ])('%s is permanent, even without a status', (name) => {
    expect(kindOf(named(name), 'StartMetadataGenerationRun')).toBe('permanent');
  });

  it('ServiceQuotaExceededException is a quota error without a status', () => {
    expect(kindOf(named('ServiceQuotaExceededException'), 'GetAsset')).toBe('quota');
  });

  it.each(['RequestTimeout', 'RequestTimeoutException'])(
    '%s timed out on the service’s side: transient, even with a 400',
    (name) => {
      expect(kindOf(serviceError(name, 400), 'GetAsset')).toBe('transient');
    },
  );
});

describe('kindOf, by status alone', () => {
  it.each([
    [400, 'permanent'],
    [404, 'permanent'],
    [499, 'permanent'],
    [402, 'quota'],
    [408, 'transient'],
    [500, 'transient'],
    [399, 'transient'],
    [304, 'transient'],
  ] as const)('an unknown name with %i is %s', (status, expected) => {
    expect(kindOf(serviceError('SomethingUnheardOf', status), 'GetAsset')).toBe(expected);
  });

  it('reads no status from a $metadata whose status is not a number', () => {
    const odd = Object.assign(new Error('odd'), {
      name: 'SomethingUnheardOf',
      $metadata: { httpStatusCode: '404' },
    });
    expect(kindOf(odd, 'GetAsset')).toBe('transient');
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
  ])('a thrown %s is transient', (_label, thrown) => {
    expect(kindOf(thrown, 'GetAsset')).toBe('transient');
  });
});

describe('kindOf, for the calls that cannot conflict', () => {
  it.each(['GetAsset', 'ListMetadataGenerationRuns'] as const)(
    'a 409 from %s may pass: transient',
    (operation) => {
      expect(kindOf(serviceError('ConflictException', 409), operation)).toBe('transient');
      expect(kindOf(serviceError('Other', 409), operation)).toBe('transient');
    },
  );
});

describe('toServiceError', () => {
  it('keeps the service’s name and message, and the original as cause', () => {
    const original = serviceError('ValidationException', 400);
    const translated = toServiceError(original, 'GetAsset');
    expect(translated).toBeInstanceOf(ServiceError);
    expect(translated).toMatchObject({
      kind: 'permanent',
      name: 'ValidationException',
      message: 'ValidationException message',
      cause: original,
      operation: 'GetAsset',
    });
  });

  it('leaves an already translated error as it is', () => {
    const translated = new ServiceError('quota', 'ServiceQuotaExceededException', 'later');
    expect(toServiceError(translated, 'StartMetadataGenerationRun')).toBe(translated);
  });
});
