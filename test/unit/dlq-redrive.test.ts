/** Redriving dead letters one batch at a time, with a fake SQS and a fake clock: pace, failures, interruption. */
import { describe, expect, it } from 'vitest';
import type { EntryFailure } from '../../src/cli/dlq/queue.js';
import { deleteAll, type Pace, type RedriveSqs, redriveEach } from '../../src/cli/dlq/redrive.js';
import { DlqSession } from '../../src/cli/dlq/session.js';
import { collapse, type DeadLetter, type ReceivedMessage } from '../../src/cli/dlq/triage.js';

const DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/111111111111/metagen-events-dlq';
const SOURCE_URL = 'https://sqs.eu-west-1.amazonaws.com/111111111111/metagen-events';
const SENT_AT = Date.UTC(2026, 10, 30, 9);

/** A worker dead letter of `asset`; copies share its SourceMessageId and collapse into one dead letter. */
function copyOf(asset: string, copy = 1): ReceivedMessage {
  return {
    messageId: `${asset}-copy-${copy}`,
    receiptHandle: `handle-${asset}-${copy}`,
    body: `{"asset":"${asset}"}`,
    attributes: { ErrorName: 'ValidationException', ErrorMessage: 'bad', SourceMessageId: `source-${asset}` },
    sentAt: SENT_AT + copy,
  };
}

const deadLettersOf = (count: number): DeadLetter[] =>
  collapse(Array.from({ length: count }, (_, i) => copyOf(`asset-${i}`)));

/** SQS as the redrive sees it: what was sent and deleted, and the entries told to fail, by body or message id. */
class FakeSqs implements RedriveSqs {
  readonly sends: { url: string; entries: { key: string; body: string }[] }[] = [];
  readonly deletes: { url: string; messageIds: string[] }[] = [];
  readonly visibility: { messageIds: string[]; seconds: number }[] = [];
  /** What the DLQ holds for the session to read. */
  readonly queued: ReceivedMessage[] = [];
  constructor(
    private readonly failing: { bodies?: readonly string[]; deletes?: readonly string[] } = {},
    private readonly onSend: () => void = () => {},
  ) {}

  async send(url: string, entries: readonly { key: string; body: string }[]): Promise<EntryFailure[]> {
    this.onSend();
    this.sends.push({ url, entries: [...entries] });
    return entries
      .filter((entry) => this.failing.bodies?.includes(entry.body))
      .map((entry) => ({ key: entry.key, error: `Refused: ${entry.body}` }));
  }

  async delete(url: string, messages: readonly ReceivedMessage[]): Promise<EntryFailure[]> {
    this.deletes.push({ url, messageIds: messages.map((m) => m.messageId) });
    return messages
      .filter((m) => this.failing.deletes?.includes(m.messageId))
      .map((m) => ({ key: m.messageId, error: `InternalError: ${m.messageId}` }));
  }

  async receive(_url: string, max: number): Promise<ReceivedMessage[]> {
    return this.queued.splice(0, max);
  }

  async setVisibility(
    _url: string,
    messages: readonly ReceivedMessage[],
    seconds: number,
  ): Promise<EntryFailure[]> {
    this.visibility.push({ messageIds: messages.map((m) => m.messageId), seconds });
    return [];
  }
}

/** A clock that moves only when slept on (or when a send takes time), and the sleeps asked for. */
function fakePace(rate: number | undefined, signal?: AbortSignal) {
  let now = 1_000_000;
  const sleeps: number[] = [];
  const printed: string[] = [];
  const pace: Pace = {
    rate,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += Math.max(0, ms);
    },
    print: (line) => printed.push(line),
    signal,
  };
  return { pace, sleeps, printed, advance: (ms: number) => (now += ms) };
}

const bodiesOf = (sqs: FakeSqs) => sqs.sends.map((send) => send.entries.map((entry) => entry.body));

describe('redriveEach', () => {
  it('sends batches of ten to the source queue, then deletes each batch’s copies from the DLQ', async () => {
    const deadLetters = deadLettersOf(12);
    const sqs = new FakeSqs();
    const { pace, sleeps, printed } = fakePace(undefined);
    const report = await redriveEach(sqs, new DlqSession(sqs, DLQ_URL), SOURCE_URL, deadLetters, pace);
    expect(report).toEqual({ total: 12, redriven: 12, notSent: [], notDeleted: [], stopped: false });
    expect(sqs.sends.map((send) => send.url)).toEqual([SOURCE_URL, SOURCE_URL]);
    expect(bodiesOf(sqs)).toEqual([
      deadLetters.slice(0, 10).map((d) => d.event),
      deadLetters.slice(10).map((d) => d.event),
    ]);
    expect(sqs.sends[0]?.entries.map((entry) => entry.key)).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
    ]);
    expect(sqs.deletes.map((d) => [d.url, d.messageIds.length])).toEqual([
      [DLQ_URL, 10],
      [DLQ_URL, 2],
    ]);
    expect(sleeps).toEqual([]);
    expect(printed).toEqual([
      'redrive: 10/12 tried, 10 redriven, 0 not sent, 0 sent but not deleted',
      'redrive: 12/12 tried, 12 redriven, 0 not sent, 0 sent but not deleted',
    ]);
  });

  it('keeps to --rate over the whole run: batches of the rate, each starting rate-paced from the first', async () => {
    const deadLetters = deadLettersOf(7);
    const fake = fakePace(3);
    // Each send takes 100 ms, which the next wait makes up for.
    const sqs = new FakeSqs({}, () => fake.advance(100));
    await redriveEach(sqs, new DlqSession(sqs, DLQ_URL), SOURCE_URL, deadLetters, fake.pace);
    expect(bodiesOf(sqs).map((batch) => batch.length)).toEqual([3, 3, 1]);
    expect(fake.sleeps).toEqual([0, 900, 900]);
  });

  it('sends batches of ten at a rate above ten', async () => {
    const sqs = new FakeSqs();
    await redriveEach(sqs, new DlqSession(sqs, DLQ_URL), SOURCE_URL, deadLettersOf(12), fakePace(50).pace);
    expect(bodiesOf(sqs).map((batch) => batch.length)).toEqual([10, 2]);
  });

  it('keeps an entry SQS refused in the DLQ, with its error, and deletes the others of its batch', async () => {
    const deadLetters = deadLettersOf(3);
    const refused = deadLetters[1] as DeadLetter;
    const sqs = new FakeSqs({ bodies: [refused.event] });
    const { pace, printed } = fakePace(undefined);
    const report = await redriveEach(sqs, new DlqSession(sqs, DLQ_URL), SOURCE_URL, deadLetters, pace);
    expect(report).toEqual({
      total: 3,
      redriven: 2,
      notSent: [{ deadLetter: refused, error: `Refused: ${refused.event}` }],
      notDeleted: [],
      stopped: false,
    });
    expect(sqs.deletes[0]?.messageIds).toEqual(
      [deadLetters[0], deadLetters[2]].map((d) => d?.copies[0].messageId),
    );
    expect(printed).toEqual(['redrive: 3/3 tried, 2 redriven, 1 not sent, 0 sent but not deleted']);
  });

  it('counts a sent dead letter whose delete failed as not deleted', async () => {
    const deadLetters = deadLettersOf(2);
    const kept = deadLetters[0] as DeadLetter;
    const sqs = new FakeSqs({ deletes: [kept.copies[0].messageId] });
    const { pace, printed } = fakePace(undefined);
    const report = await redriveEach(sqs, new DlqSession(sqs, DLQ_URL), SOURCE_URL, deadLetters, pace);
    expect(report.redriven).toBe(1);
    expect(report.notDeleted).toEqual([
      { deadLetter: kept, error: `InternalError: ${kept.copies[0].messageId}` },
    ]);
    expect(printed).toEqual(['redrive: 2/2 tried, 1 redriven, 0 not sent, 1 sent but not deleted']);
  });

  it('stops between batches once interrupted, and says so', async () => {
    const interrupt = new AbortController();
    const fake = fakePace(2, interrupt.signal);
    const sqs = new FakeSqs({}, () => {
      if (sqs.sends.length === 1) interrupt.abort();
    });
    const report = await redriveEach(
      sqs,
      new DlqSession(sqs, DLQ_URL),
      SOURCE_URL,
      deadLettersOf(6),
      fake.pace,
    );
    expect(report).toMatchObject({ total: 6, redriven: 4, stopped: true });
    expect(sqs.sends).toHaveLength(2);
    expect(fake.printed.at(-1)).toBe('redrive: 4/6 tried, 4 redriven, 0 not sent, 0 sent but not deleted');
  });

  it('tries nothing when interrupted before it starts', async () => {
    const interrupt = new AbortController();
    interrupt.abort();
    const sqs = new FakeSqs();
    const { pace } = fakePace(undefined, interrupt.signal);
    const report = await redriveEach(sqs, new DlqSession(sqs, DLQ_URL), SOURCE_URL, deadLettersOf(1), pace);
    expect(report).toEqual({ total: 1, redriven: 0, notSent: [], notDeleted: [], stopped: true });
    expect(sqs.sends).toEqual([]);
  });
});

describe('deleteAll', () => {
  it('deletes every copy; a dead letter keeping any copy fails with that copy’s error', async () => {
    const deadLetters = collapse([copyOf('a', 1), copyOf('a', 2), copyOf('b', 1), copyOf('c', 1)]);
    const a = deadLetters[0] as DeadLetter;
    const sqs = new FakeSqs({ deletes: ['a-copy-2'] });
    const { done, failures } = await deleteAll(sqs, new DlqSession(sqs, DLQ_URL), deadLetters);
    expect(sqs.deletes).toEqual([
      { url: DLQ_URL, messageIds: ['a-copy-1', 'a-copy-2', 'b-copy-1', 'c-copy-1'] },
    ]);
    expect(done).toBe(2);
    expect(failures).toEqual([{ deadLetter: a, error: 'InternalError: a-copy-2' }]);
  });

  it('leaves the session holding only the copies that were not deleted', async () => {
    const sqs = new FakeSqs({ deletes: ['a-copy-1'] });
    sqs.queued.push(copyOf('a', 1), copyOf('a', 2), copyOf('b', 1));
    const session = new DlqSession(sqs, DLQ_URL);
    const { messages } = await session.readAll(10);
    await deleteAll(sqs, session, collapse(messages));
    await session.releaseAll();
    expect(sqs.visibility).toEqual([{ messageIds: ['a-copy-1'], seconds: 0 }]);
  });
});
