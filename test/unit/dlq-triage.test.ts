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
