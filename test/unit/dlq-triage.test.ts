/** Dead-letter triage without SQS: reasons of each kind of message, duplicates collapsed, groups and ages. */
import { describe, expect, it } from 'vitest';
import { refusalOf, refusalsFor } from '../../src/cli/dlq/refusals.js';
import { summarise } from '../../src/cli/dlq/summary.js';
import { collapse, normaliseErrorMessage, type ReceivedMessage, select } from '../../src/cli/dlq/triage.js';

const NOW = Date.UTC(2026, 10, 30, 12);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FOURTEEN_DAYS_SECONDS = 14 * 86_400;
const SOURCE_ARN = 'arn:aws:sqs:eu-west-1:111111111111:metagen-events';

const event = (assetId: string, domain = 'dzd_bc8e1ez8r2a6xz', detailType = 'Asset Added To Inventory') => ({
  'detail-type': detailType,
  source: 'aws.datazone',
  detail: { metadata: { domain, id: assetId }, data: { assetId } },
});

let nextId = 0;
function message(body: unknown, attributes: Record<string, string> = {}, ageMs = HOUR, movedFrom?: string) {
  nextId += 1;
  return {
    messageId: `message-${nextId}`,
    receiptHandle: `handle-${nextId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes,
    sentAt: NOW - ageMs,
    movedFrom,
  } satisfies ReceivedMessage;
}

const workerDeadLetter = (assetId: string, errorName: string, errorMessage: string, ageMs = HOUR) =>
  message(
    event(assetId),
    { ErrorName: errorName, ErrorMessage: errorMessage, SourceMessageId: `src-${assetId}` },
    ageMs,
  );

describe('normaliseErrorMessage', () => {
  it('replaces what differs between events of one failure, and keeps names', () => {
    expect(
      normaliseErrorMessage(
        'User arn:aws:sts::111111111111:assumed-role/worker/x is not authorized on asset ayzstznnx4dxyf ' +
          'in domain dzd_bc8e1ez8r2a6xz (request 6f1c2a7e-3b0d-4f3e-9c61-0a8a3d5b2e11 at 2026-11-20T16:45:12Z),' +
          '  revision 3 of S3ObjectCollection',
      ),
    ).toBe(
      'User <arn> is not authorized on asset <id> in domain <domain> (request <uuid> at <time>), revision <n> of ' +
        'S3ObjectCollection',
    );
  });

  it('caps a long message at 200 code points', () => {
    expect([...normaliseErrorMessage('word '.repeat(100))]).toHaveLength(201);
  });
});

describe('collapse: what each dead letter says', () => {
  it('reads the worker’s reason from its attributes, and the event from the body', () => {
    const [deadLetter] = collapse([
      workerDeadLetter('ayzstznnx4dxyf', 'AccessDeniedException', 'denied ayzstznnx4dxyf'),
    ]);
    expect(deadLetter).toMatchObject({
      reason: {
        kind: 'worker',
        name: 'AccessDeniedException',
        message: 'denied <id>',
        id: expect.stringMatching(/^r[0-9a-f]{6}$/),
      },
      domain: 'dzd_bc8e1ez8r2a6xz',
      detailType: 'Asset Added To Inventory',
      assetId: 'ayzstznnx4dxyf',
      event: JSON.stringify(event('ayzstznnx4dxyf')),
    });
  });

  it('reads EventBridge’s ERROR_CODE, Lambda’s errorType and the redrive policy’s silence', () => {
    const lambda = message({
      requestContext: { requestId: 'r-1', condition: 'RetriesExhausted' },
      requestPayload: event('lmbd4rec0rd1xx'),
      responsePayload: { errorType: 'ThrottlingException', errorMessage: 'Rate exceeded' },
    });
    const eventAge = message({
      requestContext: { condition: 'EventAgeExceeded' },
      requestPayload: event('old0ld0ld0ld0'),
    });
    const eventBridge = message(event('evbr1dge0000xx'), {
      ERROR_CODE: 'SQS_ERROR',
      ERROR_MESSAGE: 'Access denied',
    });
    const moved = message(event('m0vedm0vedm0ve'), {}, HOUR, SOURCE_ARN);
    const unknown = message('not json at all');
    const reasons = collapse([lambda, eventAge, eventBridge, moved, unknown]).map((d) => [
      d.reason.kind,
      d.reason.name,
      d.reason.message,
    ]);
    expect(reasons).toEqual([
      ['lambda', 'ThrottlingException', 'Rate exceeded'],
      ['lambda', 'EventAgeExceeded', 'Lambda gave up on the event: EventAgeExceeded'],
      ['eventbridge', 'SQS_ERROR', 'Access denied'],
      ['redrive-policy', 'MovedByRedrivePolicy', 'moved by the redrive policy, no reason'],
      ['unknown', 'NoReason', 'no reason recorded'],
    ]);
  });

  it('takes a Lambda record’s requestPayload as the event to redrive', () => {
    const [deadLetter] = collapse([
      message({
        requestContext: { condition: 'RetriesExhausted' },
        requestPayload: event('lmbd4rec0rd1xx', 'dzd_7xk2m9q4w1e5rt'),
      }),
    ]);
    expect(deadLetter).toMatchObject({ domain: 'dzd_7xk2m9q4w1e5rt', assetId: 'lmbd4rec0rd1xx' });
    expect(JSON.parse(deadLetter?.event ?? '')).toEqual(event('lmbd4rec0rd1xx', 'dzd_7xk2m9q4w1e5rt'));
  });

  it('collapses copies with one SourceMessageId, speaking with the copy that has a reason, dated by the oldest', () => {
    const asset = 'ayzstznnx4dxyf';
    const older = workerDeadLetter(asset, 'ValidationException', 'bad', 3 * HOUR);
    const newer = workerDeadLetter(asset, 'ValidationException', 'bad', HOUR);
    // The redrive policy's copy of the same source message: its message id is the SourceMessageId.
    const moved = { ...message(event(asset), {}, 5 * HOUR, SOURCE_ARN), messageId: `src-${asset}` };
    const [deadLetter, ...others] = collapse([moved, newer, older]);
    expect(others).toEqual([]);
    expect(deadLetter?.reason.name).toBe('ValidationException');
    expect(deadLetter?.sentAt).toBe(NOW - 5 * HOUR);
    expect(deadLetter?.copies.map((copy) => copy.messageId)).toEqual([
      older.messageId,
      newer.messageId,
      `src-${asset}`,
    ]);
  });

  it('lists dead letters oldest first, whatever order SQS gave them in', () => {
    const newer = workerDeadLetter('aaaa1111aaaa11', 'X', 'x', HOUR);
    const older = workerDeadLetter('bbbb2222bbbb22', 'X', 'x', 2 * HOUR);
    expect(collapse([newer, older]).map((d) => d.assetId)).toEqual(['bbbb2222bbbb22', 'aaaa1111aaaa11']);
  });

  it('never collapses the direct wiring’s "unknown" SourceMessageId', () => {
    const a = message(event('aaaa1111aaaa11'), {
      ErrorName: 'InvalidEventError',
      ErrorMessage: 'x',
      SourceMessageId: 'unknown',
    });
    const b = message(event('bbbb2222bbbb22'), {
      ErrorName: 'InvalidEventError',
      ErrorMessage: 'x',
      SourceMessageId: 'unknown',
    });
    expect(collapse([a, b])).toHaveLength(2);
  });
});

describe('select', () => {
  const deadLetters = collapse([
    workerDeadLetter('ayzstznnx4dxyf', 'AccessDeniedException', 'denied ayzstznnx4dxyf'),
    workerDeadLetter('b7kq2nd8s1xw3p', 'AccessDeniedException', 'denied b7kq2nd8s1xw3p'),
    workerDeadLetter('b7kq2nd8s1xw3q', 'ValidationException', 'bad'),
  ]);
  const assetsOf = (selection: Parameters<typeof select>[1]) =>
    select(deadLetters, selection).map((d) => d.assetId);

  it('takes a reason by id or by name (any case), an asset, both, or all', () => {
    const id = deadLetters[0]?.reason.id ?? '';
    expect(assetsOf({ reason: id })).toEqual(['ayzstznnx4dxyf', 'b7kq2nd8s1xw3p']);
    expect(assetsOf({ reason: 'accessdeniedexception' })).toEqual(['ayzstznnx4dxyf', 'b7kq2nd8s1xw3p']);
    expect(assetsOf({ asset: 'b7kq2nd8s1xw3q' })).toEqual(['b7kq2nd8s1xw3q']);
    expect(assetsOf({ reason: 'AccessDeniedException', asset: 'b7kq2nd8s1xw3q' })).toEqual([]);
    expect(assetsOf({ all: true })).toHaveLength(3);
  });
});

describe('summarise', () => {
  it('counts dead letters by reason and by reason, domain and detail-type, with ages and the oldest’s expiry', () => {
    const deadLetters = collapse([
      workerDeadLetter('ayzstznnx4dxyf', 'AccessDeniedException', 'denied ayzstznnx4dxyf', 9 * DAY),
      workerDeadLetter('ayzstznnx4dxyf', 'AccessDeniedException', 'denied ayzstznnx4dxyf', 8 * DAY),
      workerDeadLetter('b7kq2nd8s1xw3p', 'AccessDeniedException', 'denied b7kq2nd8s1xw3p', 2 * HOUR),
      message(
        event('c4vbn7mq9z2rt8', 'dzd_7xk2m9q4w1e5rt'),
        { ErrorName: 'AccessDeniedException', ErrorMessage: 'denied c4vbn7mq9z2rt8' },
        3 * DAY,
      ),
      message(event('d9ws3ke6p4yh1u'), {}, 10 * 60_000, SOURCE_ARN),
    ]);
    const summary = summarise(deadLetters, NOW, FOURTEEN_DAYS_SECONDS);
    expect(summary).toMatchObject({ messages: 5, deadLetters: 4, oldestExpiresAt: NOW - 9 * DAY + 14 * DAY });
    expect(summary.reasons.map((r) => [r.reason.name, r.count, r.oldest, r.newest])).toEqual([
      ['AccessDeniedException', 3, NOW - 9 * DAY, NOW - 2 * HOUR],
      ['MovedByRedrivePolicy', 1, NOW - 10 * 60_000, NOW - 10 * 60_000],
    ]);
    expect(summary.groups.map((g) => [g.reason.name, g.domain, g.detailType, g.count])).toEqual([
      ['AccessDeniedException', 'dzd_bc8e1ez8r2a6xz', 'Asset Added To Inventory', 2],
      ['AccessDeniedException', 'dzd_7xk2m9q4w1e5rt', 'Asset Added To Inventory', 1],
      ['MovedByRedrivePolicy', 'dzd_bc8e1ez8r2a6xz', 'Asset Added To Inventory', 1],
    ]);
    expect(summary.ages).toEqual([
      { label: '< 1 h', count: 1 },
      { label: '1 h – 1 d', count: 1 },
      { label: '1 d – 7 d', count: 1 },
      { label: '≥ 7 d', count: 1 },
    ]);
  });

  it('has no oldest in an empty queue', () => {
    expect(summarise([], NOW, FOURTEEN_DAYS_SECONDS)).toMatchObject({
      deadLetters: 0,
      oldestExpiresAt: undefined,
    });
  });
});

describe('refusals', () => {
  it('refuses the reasons a redrive cannot fix by itself, once per reason, and nothing else', () => {
    const deadLetters = collapse([
      workerDeadLetter('ayzstznnx4dxyf', 'AccessDeniedException', 'denied'),
      workerDeadLetter('b7kq2nd8s1xw3p', 'AccessDeniedException', 'denied'),
      workerDeadLetter('c4vbn7mq9z2rt8', 'ResourceNotFoundException', 'gone'),
      workerDeadLetter('d9ws3ke6p4yh1u', 'ThrottlingException', 'slow down'),
      message(event('m0vedm0vedm0ve'), {}, HOUR, SOURCE_ARN),
    ]);
    expect(refusalsFor(deadLetters).map((r) => [r.reason.name, r.count])).toEqual([
      ['AccessDeniedException', 2],
      ['ResourceNotFoundException', 1],
    ]);
    expect(refusalOf(deadLetters[0]?.reason ?? ({} as never))).toContain(
      "cannot check the role's permissions",
    );
  });
});

describe('normaliseErrorMessage: each placeholder', () => {
  it.each([
    [
      'an ARN up to a quote, comma, semicolon or bracket',
      'on arn:aws:iam::1:role/x, "arn:a:b";(arn:c)',
      'on <arn>, "<arn>";(<arn>)',
    ],
    ['a UUID in any case', 'request 6F1C2A7E-3B0D-4F3E-9C61-0A8A3D5B2E11 failed', 'request <uuid> failed'],
    ['a time without seconds or zone', 'at 2026-11-20T16:45 then', 'at <time> then'],
    ['a time with fractions and an offset', 'at 2026-11-20T16:45:12.345+01:00 then', 'at <time> then'],
    ['a domain id with a dash', 'domain dzd-bc8e1ez8r2a6xz gone', 'domain <domain> gone'],
    ['a mixed id with underscores and dashes', 'run a1b2_c3d4-e5 failed', 'run <id> failed'],
    ['a number with decimals', 'waited 1.5 s of 30, then 12.25', 'waited <n> s of <n>, then <n>'],
    ['a long number as a number, not an id', 'account 111111111111', 'account <n>'],
    [
      'an ARN in single quotes or brackets',
      "in 'arn:aws:s3:::b' and [arn:aws:s3:::c]",
      "in '<arn>' and [<arn>]",
    ],
    [
      'times with offsets either side of UTC, with or without a colon',
      'at 2026-11-20T16:45:12+0100 or 2026-11-20T16:45:12-05:00',
      'at <time> or <time>',
    ],
    [
      'a UUID inside a longer id as the id',
      'x6f1c2a7e-3b0d-4f3e-9c61-0a8a3d5b2e11 6f1c2a7e-3b0d-4f3e-9c61-0a8a3d5b2e11x',
      '<id> <id>',
    ],
    ['a date inside a word only in part', 'build2026-11-20T16:45', '<id>20T16:<n>'],
    [
      'ids whose digit or letter comes after an underscore or a dash',
      'run abc_def_1 abc-def-1 123_456_a 123-456-a 12345678a abcdefg1',
      'run <id> <id> <id> <id> <id> <id>',
    ],
  ])('replaces %s', (_what, message, normalised) => {
    expect(normaliseErrorMessage(message)).toBe(normalised);
  });

  it.each([
    ['short mixed ids', 'id a1b2c3d'],
    ['long ids of letters only', 'name abcdefghijk'],
    ['names with an upper case letter', 'type S3ObjectCollection2026'],
    ['digits inside a word', 'tier S3x'],
    ['digits before letters or another word', 'v 12abc size 1x5'],
    ['a word that ends in arn or starts with dzd', 'learn:more xdzd_abc'],
  ])('keeps %s', (_what, message) => {
    expect(normaliseErrorMessage(message)).toBe(message);
  });

  it('trims the message and keeps one of 200 code points whole', () => {
    expect(normaliseErrorMessage('  \n denied \t ')).toBe('denied');
    const exactly = 'é'.repeat(200);
    expect(normaliseErrorMessage(exactly)).toBe(exactly);
    expect(normaliseErrorMessage(`${exactly}x`)).toBe(`${exactly}…`);
  });
});

describe('collapse: unusual messages', () => {
  const kindOf = (body: string, attributes: Record<string, string> = {}) =>
    collapse([message(body, attributes)])[0]?.reason;

  it('names a worker or EventBridge reason without a message by its name alone', () => {
    expect(kindOf('{}', { ErrorName: 'Error' })).toMatchObject({
      kind: 'worker',
      name: 'Error',
      message: '',
    });
    expect(kindOf('{}', { ERROR_CODE: 'SQS_ERROR' })).toMatchObject({
      kind: 'eventbridge',
      name: 'SQS_ERROR',
      message: '',
    });
  });

  it('gives one id to one reason, and different ids to different kinds, names or messages', () => {
    const id = (kind: Record<string, string>) => kindOf('{}', kind)?.id;
    expect(id({ ErrorName: 'A', ErrorMessage: 'm 1' })).toBe(id({ ErrorName: 'A', ErrorMessage: 'm 2' }));
    const ids = [
      id({ ErrorName: 'A', ErrorMessage: 'm' }),
      id({ ErrorName: 'B', ErrorMessage: 'm' }),
      id({ ErrorName: 'A', ErrorMessage: 'n' }),
      id({ ERROR_CODE: 'A', ERROR_MESSAGE: 'm' }),
    ];
    expect(new Set(ids).size).toBe(4);
  });

  it('reads a Lambda record without a response or a condition', () => {
    const reason = kindOf(JSON.stringify({ requestContext: {}, requestPayload: event('lmbd4rec0rd1xx') }));
    expect(reason).toMatchObject({
      kind: 'lambda',
      name: 'unknown condition',
      message: 'Lambda gave up on the event: unknown condition',
    });
    const odd = kindOf(
      JSON.stringify({
        requestContext: { condition: 7 },
        requestPayload: null,
        responsePayload: { errorType: 3, errorMessage: ['x'] },
      }),
    );
    expect(odd).toMatchObject({ name: 'unknown condition' });
  });

  it('takes a body as a Lambda record only with an object requestContext and a requestPayload', () => {
    const payload = event('lmbd4rec0rd1xx');
    expect(kindOf(JSON.stringify({ requestContext: [], requestPayload: payload }))?.kind).toBe('unknown');
    expect(kindOf(JSON.stringify({ requestContext: {} }))?.kind).toBe('unknown');
    expect(kindOf(JSON.stringify({ requestPayload: payload }))?.kind).toBe('unknown');
  });

  it('redrives a Lambda record’s string payload as it is, and a null one as null', () => {
    const [asText, asNull] = collapse([
      message({ requestContext: {}, requestPayload: 'raw event' }),
      message({ requestContext: {}, requestPayload: null }),
    ]);
    expect(asText).toMatchObject({ event: 'raw event', reason: { kind: 'lambda' }, assetId: undefined });
    expect(asNull).toMatchObject({ event: 'null', reason: { kind: 'lambda' }, domain: undefined });
  });

  it('reads what it can of a body that is not an event', () => {
    for (const body of [
      'null',
      '[1]',
      '"text"',
      '{"detail":null}',
      '{"detail":{"metadata":null,"data":[]}}',
    ]) {
      expect(collapse([message(body)])[0]).toMatchObject({
        reason: { kind: 'unknown' },
        domain: undefined,
        detailType: undefined,
        assetId: undefined,
        event: body,
      });
    }
  });

  it('falls back on the DetailType attribute and on the metadata’s id', () => {
    const [deadLetter] = collapse([
      message(
        { detail: { metadata: { domain: 'dzd_bc8e1ez8r2a6xz', id: 'ayzstznnx4dxyf' } } },
        { ErrorName: 'X', DetailType: 'Asset Revision Created' },
      ),
    ]);
    expect(deadLetter).toMatchObject({ detailType: 'Asset Revision Created', assetId: 'ayzstznnx4dxyf' });
  });

  it('speaks with the copy of the most telling kind, and lists the copies of one kind oldest first', () => {
    const source = { SourceMessageId: 'src-1' };
    const eventBridge = message(event('a'), { ...source, ERROR_CODE: 'SQS_ERROR' }, 2 * HOUR);
    const newerWorker = message(event('a'), { ...source, ErrorName: 'Late' }, HOUR);
    const olderWorker = message(event('a'), { ...source, ErrorName: 'Early' }, 3 * HOUR);
    const [deadLetter] = collapse([eventBridge, newerWorker, olderWorker]);
    expect(deadLetter?.reason.name).toBe('Early');
    expect(deadLetter?.copies.map((copy) => copy.messageId)).toEqual([
      olderWorker.messageId,
      newerWorker.messageId,
      eventBridge.messageId,
    ]);
  });

  it('ranks a Lambda record above the redrive policy, and that above no reason', () => {
    const lambda = { ...message({ requestContext: {}, requestPayload: event('a') }), messageId: 'shared' };
    const moved = message(event('a'), { SourceMessageId: 'shared' }, 2 * HOUR, SOURCE_ARN);
    const none = message(event('a'), { SourceMessageId: 'shared' }, 3 * HOUR);
    expect(collapse([none, moved, lambda])[0]?.reason.kind).toBe('lambda');
    expect(collapse([none, moved])[0]?.reason.kind).toBe('redrive-policy');
  });

  it('ranks the worker’s reason above a Lambda record’s', () => {
    const lambda = { ...message({ requestContext: {}, requestPayload: event('a') }), messageId: 'shared' };
    const worker = message(event('a'), { SourceMessageId: 'shared', ErrorName: 'Worker' }, 2 * HOUR);
    expect(collapse([lambda, worker])[0]?.reason.kind).toBe('worker');
  });
});

describe('summarise: edges', () => {
  it('puts an age of exactly one hour, one day or seven days in the later bucket', () => {
    const ages = summarise(
      collapse([
        message('a', {}, HOUR - 1),
        message('b', {}, HOUR),
        message('c', {}, DAY),
        message('d', {}, 7 * DAY),
      ]),
      NOW,
      FOURTEEN_DAYS_SECONDS,
    ).ages.map((bucket) => bucket.count);
    expect(ages).toEqual([1, 1, 1, 1]);
  });

  it('orders equal counts oldest first, whatever the order given, and gives each its own newest', () => {
    const newestFirst = collapse([
      workerDeadLetter('aaaa1111aaaa11', 'B', 'b', HOUR),
      workerDeadLetter('bbbb2222bbbb22', 'A', 'a', 2 * HOUR),
      workerDeadLetter('cccc3333cccc33', 'A', 'a', 5 * HOUR),
      workerDeadLetter('dddd4444dddd44', 'C', 'c', 90 * 60_000),
      workerDeadLetter('eeee5555eeee55', 'C', 'c', 4 * HOUR),
    ]).reverse();
    const summary = summarise(newestFirst, NOW, FOURTEEN_DAYS_SECONDS);
    expect(summary.reasons.map((r) => [r.reason.name, r.count, r.oldest, r.newest])).toEqual([
      ['A', 2, NOW - 5 * HOUR, NOW - 2 * HOUR],
      ['C', 2, NOW - 4 * HOUR, NOW - 90 * 60_000],
      ['B', 1, NOW - HOUR, NOW - HOUR],
    ]);
    expect(summary.groups.map((g) => [g.reason.name, g.newest])).toEqual([
      ['A', NOW - 2 * HOUR],
      ['C', NOW - 90 * 60_000],
      ['B', NOW - HOUR],
    ]);
  });

  it('groups by detail-type too, and names a missing domain or detail-type (none)', () => {
    const attributes = { ErrorName: 'X', ErrorMessage: 'x' };
    const groups = summarise(
      collapse([
        message(
          event('aaaa1111aaaa11', 'dzd_bc8e1ez8r2a6xz', 'Asset Added To Inventory'),
          attributes,
          3 * HOUR,
        ),
        message(
          event('bbbb2222bbbb22', 'dzd_bc8e1ez8r2a6xz', 'Asset Revision Created'),
          attributes,
          2 * HOUR,
        ),
        message('{}', attributes, HOUR),
      ]),
      NOW,
      FOURTEEN_DAYS_SECONDS,
    ).groups;
    expect(groups.map((g) => [g.domain, g.detailType, g.count])).toEqual([
      ['dzd_bc8e1ez8r2a6xz', 'Asset Added To Inventory', 1],
      ['dzd_bc8e1ez8r2a6xz', 'Asset Revision Created', 1],
      ['(none)', '(none)', 1],
    ]);
  });
});

describe('refusals: every reason a redrive cannot fix', () => {
  const reasonNamed = (name: string) =>
    collapse([message('{}', { ErrorName: name })])[0]?.reason ?? ({} as never);

  it.each([
    ['AccessDeniedException', "the worker's role was refused"],
    ['UnauthorizedException', "the worker's role was refused"],
    ['ResourceNotFoundException', 'Delete these instead'],
    ['InvalidEventError', 'the event itself was invalid'],
  ])('refuses %s', (name, why) => {
    expect(refusalOf(reasonNamed(name))).toContain(why);
  });

  it('refuses no other name, not even one an object inherits', () => {
    for (const name of ['ThrottlingException', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(refusalOf(reasonNamed(name))).toBeUndefined();
    }
  });

  it('gives the refusal its reason, count and why', () => {
    const deadLetters = collapse([
      workerDeadLetter('aaaa1111aaaa11', 'InvalidEventError', 'bad'),
      workerDeadLetter('bbbb2222bbbb22', 'InvalidEventError', 'bad'),
    ]);
    expect(refusalsFor(deadLetters)).toEqual([
      {
        reason: deadLetters[0]?.reason,
        count: 2,
        why: 'the event itself was invalid; the same body fails the same way unless the worker changed',
      },
    ]);
  });
});
