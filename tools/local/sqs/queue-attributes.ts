// GetQueueAttributes: what a queue reports about its configuration and its messages.
import { SqsError } from './errors.js';
import { arnOf, type QueueState, type SqsState } from './state.js';

type Reader = (q: QueueState, now: number, state: SqsState) => string | undefined;

const count = (q: QueueState, which: (visibleAt: number, receiveCount: number) => boolean): string =>
  String(q.messages.filter((m) => which(m.visibleAt, m.receiveCount)).length);

/** Every attribute name SQS accepts for a standard queue, in the order `All` lists them. */
const ATTRIBUTES: Readonly<Record<string, Reader>> = {
  ApproximateNumberOfMessages: (q, t) => count(q, (visibleAt) => visibleAt <= t),
  ApproximateNumberOfMessagesNotVisible: (q, t) => count(q, (at, received) => at > t && received > 0),
  ApproximateNumberOfMessagesDelayed: (q, t) => count(q, (at, received) => at > t && received === 0),
  QueueArn: (q, _t, state) => arnOf(state, q.name),
  VisibilityTimeout: (q) => String(q.config.visibilityTimeout),
  DelaySeconds: (q) => String(q.config.delaySeconds),
  MessageRetentionPeriod: (q) => String(q.config.retentionSeconds),
  ReceiveMessageWaitTimeSeconds: (q) => String(q.config.receiveWaitSeconds),
  MaximumMessageSize: (q) => String(q.config.maximumMessageSize),
  RedrivePolicy: (q) => (q.config.redrive ? JSON.stringify(q.config.redrive) : undefined),
  CreatedTimestamp: (q) => String(Math.floor(q.createdAt / 1000)),
  LastModifiedTimestamp: (q) => String(Math.floor(q.modifiedAt / 1000)),
  // Valid names that SQS reports only when set; nothing sets them here.
  Policy: () => undefined,
  KmsMasterKeyId: () => undefined,
  KmsDataKeyReusePeriodSeconds: () => undefined,
  SqsManagedSseEnabled: () => undefined,
  RedriveAllowPolicy: () => undefined,
};

export function queueAttributes(
  state: SqsState,
  q: QueueState,
  names: readonly string[],
): Record<string, string> {
  const t = state.now();
  const wanted = names.includes('All') ? Object.keys(ATTRIBUTES) : names;
  const out: Record<string, string> = {};
  for (const name of wanted) {
    const read = Object.hasOwn(ATTRIBUTES, name) ? ATTRIBUTES[name] : undefined;
    if (read === undefined) throw new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
    const value = read(q, t, state);
    if (value !== undefined) out[name] = value;
  }
  return out;
}
