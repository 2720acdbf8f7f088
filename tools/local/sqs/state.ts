// What the local SQS holds: its queues and their messages, the receipt handles it issued, and the long polls
// waiting for a queue to change. Queues are named by the last path segment of a QueueUrl, whatever its host.
import { SqsError } from './errors.js';
import type { MoveTask } from './move-tasks.js';
import { requireString } from './protocol.js';
import type { SqsFault, SqsRecordedRequest, StoredAttribute } from './types.js';

export interface QueueConfig {
  visibilityTimeout: number;
  delaySeconds: number;
  retentionSeconds: number;
  receiveWaitSeconds: number;
  maximumMessageSize: number;
  redrive?: { deadLetterTargetArn: string; maxReceiveCount: number };
}

export interface StoredMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  attributes: Record<string, StoredAttribute>;
  systemAttributes: Record<string, StoredAttribute>;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** The latest receipt handle and when it was issued; older handles are stale. */
  receiptHandle?: string;
  receivedAt?: number;
  deadLetterQueueSourceArn?: string;
}

export interface QueueState {
  name: string;
  config: QueueConfig;
  createdAt: number;
  modifiedAt: number;
  messages: StoredMessage[];
}

export interface SqsState {
  readonly now: () => number;
  readonly region: string;
  readonly accountId: string;
  readonly maxLongPollMs: number;
  readonly queues: Map<string, QueueState>;
  readonly receipts: Map<string, { queue: string; messageId: string }>;
  readonly requests: SqsRecordedRequest[];
  requestSeq: number;
  faults: SqsFault[];
  faultHits: Map<SqsFault, number>;
  /** Message move tasks by source queue name, newest first. */
  readonly moveTasks: Map<string, MoveTask[]>;
  /** Long polls wait on these; any change to a queue wakes them to look again. */
  readonly waiters: Map<string, Set<() => void>>;
  readonly pendingTimers: Set<NodeJS.Timeout>;
  closing: boolean;
  /** http://127.0.0.1:PORT once listening. */
  baseUrl: string;
}

export const QUEUE_NAME = /^[a-zA-Z0-9_-]{1,80}$/;

export const arnOf = (state: SqsState, name: string): string =>
  `arn:aws:sqs:${state.region}:${state.accountId}:${name}`;

export const urlOf = (state: SqsState, name: string): string => `${state.baseUrl}/${state.accountId}/${name}`;

function getQueue(state: SqsState, name: string): QueueState {
  const q = state.queues.get(name);
  if (!q) throw new SqsError('QueueDoesNotExist');
  return q;
}

/** The queue named by a QueueUrl: its last path segment, whatever the host. */
export function queueFromUrl(state: SqsState, raw: unknown): QueueState {
  const url = requireString('QueueUrl', raw);
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url;
  }
  const name = decodeURIComponent(path.split('/').filter(Boolean).at(-1) ?? '');
  if (!QUEUE_NAME.test(name))
    throw new SqsError('InvalidAddress', `The address ${url} is not valid for this endpoint.`);
  return getQueue(state, name);
}

export function queueByArn(state: SqsState, arn: string): QueueState | undefined {
  const name = arn.split(':').at(-1) ?? '';
  return arn === arnOf(state, name) ? state.queues.get(name) : undefined;
}

/** Drops messages past retention (counted from the original send, also in a DLQ, as SQS does). */
export function expire(state: SqsState, q: QueueState): void {
  const t = state.now();
  q.messages = q.messages.filter((m) => t - m.sentAt < q.config.retentionSeconds * 1000);
}

export function wake(state: SqsState, queue: string): void {
  for (const w of state.waiters.get(queue) ?? []) w();
}

/** Resolves after `ms`, or sooner when the queue changes. */
export const waitForChange = (state: SqsState, queue: string, ms: number): Promise<void> =>
  new Promise<void>((resolve) => {
    const set = state.waiters.get(queue) ?? new Set();
    state.waiters.set(queue, set);
    const done = () => {
      clearTimeout(timer);
      state.pendingTimers.delete(timer);
      set.delete(done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(1, ms));
    state.pendingTimers.add(timer);
    set.add(done);
  });
