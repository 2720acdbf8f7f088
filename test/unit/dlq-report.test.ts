/** What `npm run dlq` prints for summary and show: the whole text, columns aligned. */
import { describe, expect, it } from 'vitest';
import type { QueueFacts } from '../../src/cli/dlq/queue.js';
import { showJsonLines, showLines, summaryLines } from '../../src/cli/dlq/report.js';
import { summarise } from '../../src/cli/dlq/summary.js';
import { collapse, type ReceivedMessage } from '../../src/cli/dlq/triage.js';

const NOW = Date.UTC(2026, 10, 30, 12);
const MINUTE = 60_000;
const DAY = 86_400_000;
const FOURTEEN_DAYS_SECONDS = 14 * 86_400;
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/111111111111/metagen-events-dlq';
const SOURCE_ARN = 'arn:aws:sqs:eu-west-1:111111111111:metagen-events';
const DOMAIN = 'dzd_bc8e1ez8r2a6xz';
const OTHER_DOMAIN = 'dzd_7xk2m9q4w1e5rt';

const assetEvent = (assetId: string, domain = DOMAIN) =>
  JSON.stringify({
    'detail-type': 'Asset Added To Inventory',
    detail: { metadata: { domain, id: assetId }, data: { assetId } },
  });

/** Access denied twice over (one failure, two copies), a throttled run, and a message the redrive policy moved. */
const incident: ReceivedMessage[] = [
  {
    messageId: 'm-1',
    receiptHandle: 'h-1',
    body: assetEvent('ayzstznnx4dxyf'),
    attributes: { ErrorName: 'AccessDeniedException', ErrorMessage: 'denied', SourceMessageId: 's-1' },
    sentAt: NOW - 3 * DAY,
  },
  {
    messageId: 'm-2',
    receiptHandle: 'h-2',
    body: assetEvent('ayzstznnx4dxyf'),
    attributes: { ErrorName: 'AccessDeniedException', ErrorMessage: 'denied', SourceMessageId: 's-1' },
    sentAt: NOW - 2 * DAY,
  },
  {
    messageId: 'm-3',
    receiptHandle: 'h-3',
    body: assetEvent('b7kq2nd8s1xw3p', OTHER_DOMAIN),
    attributes: { ErrorName: 'ThrottlingException', ErrorMessage: 'Rate exceeded' },
    sentAt: NOW - 5 * MINUTE,
  },
  {
    messageId: 'm-4',
    receiptHandle: 'h-4',
    body: 'not json',
    attributes: {},
    sentAt: NOW - 90_000,
    movedFrom: SOURCE_ARN,
  },
];

const facts = (over: Partial<QueueFacts> = {}): QueueFacts => ({
  arn: 'arn:aws:sqs:eu-west-1:111111111111:metagen-events-dlq',
  retentionSeconds: FOURTEEN_DAYS_SECONDS,
  visible: 4,
  inFlight: 0,
  ...over,
});

describe('summaryLines', () => {
  const deadLetters = collapse(incident);
  const [denied, throttled, moved] = deadLetters.map((d) => d.reason.id);

  it('prints counts, reasons and groups in aligned columns, ages, and what to do next', () => {
    const summary = summarise(deadLetters, NOW, FOURTEEN_DAYS_SECONDS);
    expect(summaryLines(QUEUE_URL, facts(), summary, NOW, false)).toEqual([
      `${QUEUE_URL}: 4 messages read, 3 dead letters (1 duplicate copy shown once)`,
      'SQS counted 4 visible and 0 in flight before the read',
      'Oldest dead letter: SQS deletes it in 11d (retention 14d from its first enqueue).',
      '',
      'Reasons:',
      '  id       count  oldest  reason',
      `  ${denied}      1      3d  AccessDeniedException (worker): denied  [redrive needs --force]`,
      `  ${throttled}      1      5m  ThrottlingException (worker): Rate exceeded`,
      `  ${moved}      1  1m 30s  MovedByRedrivePolicy (redrive-policy): moved by the redrive policy, no reason`,
      '',
      'Groups (reason, domain, detail-type):',
      '  reason   count  oldest  newest  domain              detail-type',
      `  ${denied}      1      3d      3d  ${DOMAIN}  Asset Added To Inventory`,
      `  ${throttled}      1      5m      5m  ${OTHER_DOMAIN}  Asset Added To Inventory`,
      `  ${moved}      1  1m 30s  1m 30s  (none)              (none)`,
      '',
      'Ages: < 1 h: 2 · 1 h – 1 d: 0 · 1 d – 7 d: 1 · ≥ 7 d: 0',
      '',
      'Next: npm run dlq -- show --reason <id>, then redrive --reason <id> [--dry-run] or delete --reason <id>.',
    ]);
  });

  it('says in the singular what one message is, and that messages in flight and past --max were not read', () => {
    const one = collapse(incident.slice(2, 3));
    const lines = summaryLines(
      QUEUE_URL,
      facts({ visible: 1, inFlight: 2 }),
      summarise(one, NOW, FOURTEEN_DAYS_SECONDS),
      NOW,
      true,
    );
    expect(lines.slice(0, 3)).toEqual([
      `${QUEUE_URL}: 1 message read, 1 dead letter`,
      'SQS counted 1 visible and 2 in flight before the read: messages in flight (being read elsewhere) were not read',
      'Stopped at --max: the queue may hold more than was read.',
    ]);
  });

  it('counts duplicate copies in the plural', () => {
    const thrice = collapse([
      ...incident.slice(0, 2),
      { ...(incident[0] as ReceivedMessage), messageId: 'm-5', sentAt: NOW - DAY },
    ]);
    const [first] = summaryLines(
      QUEUE_URL,
      facts(),
      summarise(thrice, NOW, FOURTEEN_DAYS_SECONDS),
      NOW,
      false,
    );
    expect(first).toBe(`${QUEUE_URL}: 3 messages read, 1 dead letter (2 duplicate copies shown once)`);
  });

  it('says that an empty queue is empty, and nothing more', () => {
    expect(
      summaryLines(QUEUE_URL, facts({ visible: 0 }), summarise([], NOW, FOURTEEN_DAYS_SECONDS), NOW, false),
    ).toEqual([
      `${QUEUE_URL}: 0 messages read, 0 dead letters`,
      'SQS counted 0 visible and 0 in flight before the read',
      'The dead-letter queue is empty.',
    ]);
  });
});

describe('showLines', () => {
  it('prints each dead letter: its reason, what it is about, its copies, attributes and body', () => {
    const deadLetters = collapse(incident);
    const [denied, throttled, moved] = deadLetters.map((d) => d.reason.id);
    expect(showLines(deadLetters, NOW)).toEqual([
      '3 dead letters:',
      '',
      `${denied} AccessDeniedException (worker): denied`,
      `  asset ayzstznnx4dxyf · domain ${DOMAIN} · Asset Added To Inventory · sent 2026-11-27T12:00:00.000Z (3d ago)`,
      '  message m-1; duplicate copies: m-2',
      '  ErrorName: AccessDeniedException',
      '  ErrorMessage: denied',
      '  SourceMessageId: s-1',
      `  body: ${assetEvent('ayzstznnx4dxyf')}`,
      '',
      `${throttled} ThrottlingException (worker): Rate exceeded`,
      `  asset b7kq2nd8s1xw3p · domain ${OTHER_DOMAIN} · Asset Added To Inventory · sent 2026-11-30T11:55:00.000Z (5m ago)`,
      '  message m-3',
      '  ErrorName: ThrottlingException',
      '  ErrorMessage: Rate exceeded',
      `  body: ${assetEvent('b7kq2nd8s1xw3p', OTHER_DOMAIN)}`,
      '',
      `${moved} MovedByRedrivePolicy (redrive-policy): moved by the redrive policy, no reason`,
      '  asset (none) · domain (none) · (no detail-type) · sent 2026-11-30T11:58:30.000Z (1m 30s ago)',
      `  message m-4 (moved from ${SOURCE_ARN})`,
      '  body: not json',
    ]);
  });

  it('lists every duplicate copy', () => {
    const thrice = collapse([
      ...incident.slice(0, 2),
      { ...(incident[0] as ReceivedMessage), messageId: 'm-5', sentAt: NOW - DAY },
    ]);
    expect(showLines(thrice, NOW)[4]).toBe('  message m-1; duplicate copies: m-2, m-5');
  });

  it('shows a reason without a message by its name and kind alone', () => {
    const [line] = showLines(
      collapse([{ ...(incident[2] as ReceivedMessage), attributes: { ErrorName: 'Error' } }]),
      NOW,
    ).slice(2);
    expect(line).toMatch(/^r[0-9a-f]{6} Error \(worker\)$/);
  });
});

describe('showJsonLines', () => {
  it('gives one JSON object per message, copies included, with movedFrom only when SQS gave one', () => {
    const deadLetters = collapse(incident);
    const [denied, throttled, moved] = deadLetters.map((d) => d.reason.id);
    expect(showJsonLines(deadLetters).map((line) => JSON.parse(line))).toEqual([
      ...[incident[0], incident[1], incident[2]].map((message, i) => ({
        reasonId: i < 2 ? denied : throttled,
        messageId: message?.messageId,
        sentTimestamp: message?.sentAt,
        attributes: message?.attributes,
        body: message?.body,
      })),
      {
        reasonId: moved,
        messageId: 'm-4',
        sentTimestamp: NOW - 90_000,
        movedFrom: SOURCE_ARN,
        attributes: {},
        body: 'not json',
      },
    ]);
  });
});
