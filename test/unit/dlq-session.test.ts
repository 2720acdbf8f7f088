/** The DLQ read without consuming it, with a fake SQS: what is received, held, kept hidden and released. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DlqSqs, EntryFailure } from '../../src/cli/dlq/queue.js';
import { DlqSession, READ_VISIBILITY_SECONDS } from '../../src/cli/dlq/session.js';
import type { ReceivedMessage } from '../../src/cli/dlq/triage.js';

const DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/111111111111/metagen-events-dlq';
const RECEIVED_AT = Date.UTC(2026, 10, 30, 9);
const TWELVE_HOURS_SECONDS = 43_200;

const dlqMessage = (id: string, handle = `handle-${id}`): ReceivedMessage => ({
  messageId: id,
  receiptHandle: handle,
  body: `{"id":"${id}"}`,
  attributes: {},
  sentAt: RECEIVED_AT,
});

/** A DLQ whose receives hand out `batches` in turn (then nothing), and which records each call. */
class FakeDlq implements Pick<DlqSqs, 'receive' | 'setVisibility'> {
  readonly receives: { url: string; max: number; visibilitySeconds: number; waitSeconds: number }[] = [];
  readonly visibility: { url: string; messageIds: string[]; seconds: number }[] = [];
  constructor(
    private readonly batches: ReceivedMessage[][],
    private readonly failures: EntryFailure[] = [],
  ) {}

  async receive(url: string, max: number, visibilitySeconds: number, waitSeconds: number) {
    this.receives.push({ url, max, visibilitySeconds, waitSeconds });
    return (this.batches.shift() ?? []).slice(0, max);
  }

  async setVisibility(url: string, messages: readonly ReceivedMessage[], seconds: number) {
    this.visibility.push({ url, messageIds: messages.map((m) => m.messageId), seconds });
    return this.failures;
  }
}

const ids = (messages: readonly ReceivedMessage[]) => messages.map((m) => m.messageId);

afterEach(() => {
  vi.useRealTimers();
});

describe('DlqSession.readAll', () => {
  it('receives until the queue is empty, hiding each message for two minutes with a one-second poll', async () => {
    const sqs = new FakeDlq([[dlqMessage('a'), dlqMessage('b')], [dlqMessage('c')]]);
    const read = await new DlqSession(sqs, DLQ_URL).readAll(100);
    expect(ids(read.messages)).toEqual(['a', 'b', 'c']);
    expect(read.truncated).toBe(false);
    expect(READ_VISIBILITY_SECONDS).toBe(120);
    expect(sqs.receives).toEqual([
      { url: DLQ_URL, max: 100, visibilitySeconds: 120, waitSeconds: 1 },
      { url: DLQ_URL, max: 98, visibilitySeconds: 120, waitSeconds: 1 },
      { url: DLQ_URL, max: 97, visibilitySeconds: 120, waitSeconds: 1 },
    ]);
  });

  it('stops at max messages and says the queue may hold more', async () => {
    const sqs = new FakeDlq([
      [dlqMessage('a'), dlqMessage('b')],
      [dlqMessage('c'), dlqMessage('d')],
    ]);
    const read = await new DlqSession(sqs, DLQ_URL).readAll(3);
    expect(ids(read.messages)).toEqual(['a', 'b', 'c']);
    expect(read.truncated).toBe(true);
    expect(sqs.receives.map((r) => r.max)).toEqual([3, 1]);
  });

  it('keeps a message seen twice once, with its newest receipt handle', async () => {
    const sqs = new FakeDlq([[dlqMessage('a', 'first')], [dlqMessage('a', 'second')]]);
    const session = new DlqSession(sqs, DLQ_URL);
    const read = await session.readAll(10);
    expect(read.messages.map((m) => m.receiptHandle)).toEqual(['second']);
  });

  it('stops reading when interrupted, with what it has, not truncated', async () => {
    const interrupt = new AbortController();
    const sqs = new FakeDlq([[dlqMessage('a')], [dlqMessage('b')]]);
    const receive = sqs.receive.bind(sqs);
    sqs.receive = async (...args) => {
      interrupt.abort();
      return receive(...args);
    };
    const read = await new DlqSession(sqs, DLQ_URL).readAll(10, interrupt.signal);
    expect(ids(read.messages)).toEqual(['a']);
    expect(read.truncated).toBe(false);
  });
});

describe('DlqSession: hiding and releasing', () => {
  async function holding(sqs: FakeDlq): Promise<DlqSession> {
    const session = new DlqSession(sqs, DLQ_URL);
    await session.readAll(10);
    return session;
  }

  it('makes every held message visible again once, and nothing when it holds none', async () => {
    const sqs = new FakeDlq([[dlqMessage('a'), dlqMessage('b')]], [{ key: 'b', error: 'InternalError: x' }]);
    const session = await holding(sqs);
    expect(await session.releaseAll()).toEqual([{ key: 'b', error: 'InternalError: x' }]);
    expect(await session.releaseAll()).toEqual([]);
    expect(sqs.visibility).toEqual([{ url: DLQ_URL, messageIds: ['a', 'b'], seconds: 0 }]);
  });

  it('releases some now and the rest at the end; deleted ones never', async () => {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((id) => dlqMessage(id)) as [
      ReceivedMessage,
      ReceivedMessage,
      ReceivedMessage,
      ReceivedMessage,
    ];
    const sqs = new FakeDlq([[a, b, c, d]]);
    const session = await holding(sqs);
    expect(await session.release([])).toEqual([]);
    await session.release([a]);
    session.forget(['b']);
    await session.releaseAll();
    expect(sqs.visibility).toEqual([
      { url: DLQ_URL, messageIds: ['a'], seconds: 0 },
      { url: DLQ_URL, messageIds: ['c', 'd'], seconds: 0 },
    ]);
  });

  it('extends the hold by the seconds asked, within twelve hours of the receipt less a minute', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: RECEIVED_AT });
    const sqs = new FakeDlq([[dlqMessage('a')]]);
    const session = await holding(sqs);
    const a = [dlqMessage('a')];
    await session.extend(a, 300);
    vi.setSystemTime(RECEIVED_AT + 43_000_500);
    // 43,001 s elapsed (rounded up): 43,200 − 43,001 − 60 = 139 s left.
    await session.extend(a, 300);
    await session.extend(a, 100);
    vi.setSystemTime(RECEIVED_AT + TWELVE_HOURS_SECONDS * 1000);
    await session.extend(a, 300);
    expect(sqs.visibility.map((v) => [v.url, v.seconds])).toEqual([
      [DLQ_URL, 300],
      [DLQ_URL, 139],
      [DLQ_URL, 100],
      [DLQ_URL, 0],
    ]);
  });
});
