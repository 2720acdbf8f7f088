// Receiving: visible messages taken with a new receipt handle and hidden for the visibility timeout, the redrive
// policy applied first, and long polls that wait (in real time) for a message to arrive.
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { attributeToWire, md5OfMessageAttributes } from './message-attributes.js';
import { intParam, MAX_VISIBILITY, stringList } from './protocol.js';
import {
  arnOf,
  expire,
  type QueueState,
  queueByArn,
  type SqsState,
  type StoredMessage,
  waitForChange,
  wake,
} from './state.js';
import type { StoredAttribute } from './types.js';

/** SenderId of every message: who sent it is not modelled. */
export const SENDER_ID = 'AIDAIENQZJOLO23YVJ4VO';

/** How often a long poll looks at its queue again (catches visibility expiry on a manual clock). */
const POLL_INTERVAL_MS = 20;

export interface ReceiveParams {
  max: number;
  visibility: number;
  systemNames: string[];
  attributeNames: string[];
}

/** Takes up to `max` visible messages, applying the redrive policy first as SQS does on receive. */
export function collect(state: SqsState, q: QueueState, p: ReceiveParams) {
  expire(state, q);
  const t = state.now();
  const taken: StoredMessage[] = [];
  const redrive = q.config.redrive;
  for (const m of [...q.messages]) {
    if (taken.length >= p.max) break;
    if (m.visibleAt > t) continue;
    if (redrive && m.receiveCount >= redrive.maxReceiveCount) {
      const dlq = queueByArn(state, redrive.deadLetterTargetArn);
      if (dlq) {
        q.messages = q.messages.filter((x) => x !== m);
        delete m.receiptHandle;
        delete m.receivedAt;
        m.visibleAt = t;
        m.deadLetterQueueSourceArn = arnOf(state, q.name);
        dlq.messages.push(m);
        wake(state, dlq.name);
        continue;
      }
    }
    m.receiveCount += 1;
    m.firstReceivedAt ??= t;
    m.receivedAt = t;
    m.visibleAt = t + p.visibility * 1000;
    m.receiptHandle = `${Buffer.from(`${q.name}/${m.messageId}/${m.receiveCount}`).toString('base64url')}.${randomBytes(24).toString('base64url')}`;
    state.receipts.set(m.receiptHandle, { queue: q.name, messageId: m.messageId });
    taken.push(m);
  }
  return taken.map((m) => toWireMessage(m, p));
}

function systemAttributesOf(m: StoredMessage): Record<string, string> {
  const out: Record<string, string> = {
    SenderId: SENDER_ID,
    SentTimestamp: String(m.sentAt),
    ApproximateReceiveCount: String(m.receiveCount),
    ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
  };
  const trace = m.systemAttributes.AWSTraceHeader?.StringValue;
  if (trace !== undefined) out.AWSTraceHeader = trace;
  if (m.deadLetterQueueSourceArn) out.DeadLetterQueueSourceArn = m.deadLetterQueueSourceArn;
  return out;
}

function toWireMessage(m: StoredMessage, p: ReceiveParams) {
  const system = systemAttributesOf(m);
  const attrs: Record<string, string> = {};
  for (const name of Object.keys(system)) {
    if (p.systemNames.includes('All') || p.systemNames.includes(name)) attrs[name] = system[name] ?? '';
  }
  const selected: Record<string, StoredAttribute> = {};
  for (const [name, a] of Object.entries(m.attributes)) {
    const match = p.attributeNames.some(
      (w) => w === 'All' || w === '.*' || w === name || (w.endsWith('.*') && name.startsWith(w.slice(0, -1))),
    );
    if (match) selected[name] = a;
  }
  const hasAttrs = Object.keys(selected).length > 0;
  return {
    MessageId: m.messageId,
    ReceiptHandle: m.receiptHandle,
    MD5OfBody: m.md5OfBody,
    Body: m.body,
    ...(Object.keys(attrs).length > 0 ? { Attributes: attrs } : {}),
    ...(hasAttrs
      ? {
          MD5OfMessageAttributes: md5OfMessageAttributes(selected),
          MessageAttributes: Object.fromEntries(
            Object.entries(selected).map(([k, a]) => [k, attributeToWire(a)]),
          ),
        }
      : {}),
  };
}

function receiveParams(
  q: QueueState,
  body: Record<string, unknown>,
): ReceiveParams & { waitSeconds: number } {
  return {
    max:
      intParam(
        'MaxNumberOfMessages',
        body.MaxNumberOfMessages,
        1,
        10,
        'Must be between 1 and 10, if provided.',
      ) ?? 1,
    visibility:
      intParam('VisibilityTimeout', body.VisibilityTimeout, 0, MAX_VISIBILITY) ?? q.config.visibilityTimeout,
    waitSeconds:
      intParam('WaitTimeSeconds', body.WaitTimeSeconds, 0, 20, 'Must be >= 0 and <= 20, if provided.') ??
      q.config.receiveWaitSeconds,
    systemNames: [...stringList(body.AttributeNames), ...stringList(body.MessageSystemAttributeNames)],
    attributeNames: stringList(body.MessageAttributeNames),
  };
}

export async function receive(
  state: SqsState,
  q: QueueState,
  body: Record<string, unknown>,
  res: ServerResponse,
) {
  const p = receiveParams(q, body);
  const deadline = Date.now() + Math.min(p.waitSeconds * 1000, state.maxLongPollMs);
  for (;;) {
    // A client that went away must not take messages into a dead connection.
    if (res.destroyed) return { Messages: [] };
    const messages = collect(state, q, p);
    if (messages.length > 0 || state.closing || Date.now() >= deadline) {
      return messages.length > 0 ? { Messages: messages } : {};
    }
    await waitForChange(state, q.name, Math.min(POLL_INTERVAL_MS, deadline - Date.now()));
  }
}
