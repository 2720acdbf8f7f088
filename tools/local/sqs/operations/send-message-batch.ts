// SendMessageBatch: up to 10 messages, each accepted or refused on its own, 1 MiB in all.
import { isRecord } from '../../http-util.js';
import { runBatch } from '../batch.js';
import { SqsError } from '../errors.js';
import type { Operation } from '../operation.js';
import { SERVICE_MAX_MESSAGE_BYTES } from '../queues.js';
import { enqueue } from '../send.js';

const bytes = (v: unknown): number => (typeof v === 'string' ? Buffer.byteLength(v) : 0);

/** An entry's size as it counts toward the batch's total: body and attributes; malformed parts count nothing. */
function entrySize(entry: unknown): number {
  if (!isRecord(entry)) return 0;
  const attributes = isRecord(entry.MessageAttributes) ? Object.entries(entry.MessageAttributes) : [];
  let size = bytes(entry.MessageBody);
  for (const [name, a] of attributes) {
    if (!isRecord(a)) continue;
    const value =
      typeof a.BinaryValue === 'string' ? Buffer.from(a.BinaryValue, 'base64').length : bytes(a.StringValue);
    size += Buffer.byteLength(name) + bytes(a.DataType) + value;
  }
  return size;
}

export const sendMessageBatch: Operation = {
  name: 'SendMessageBatch',
  handle({ state, body }, queue) {
    const entries = Array.isArray(body.Entries) ? body.Entries : [];
    const total = entries.reduce<number>((n, e) => n + entrySize(e), 0);
    if (total > SERVICE_MAX_MESSAGE_BYTES) {
      throw new SqsError(
        'BatchRequestTooLong',
        `Batch requests cannot be longer than ${SERVICE_MAX_MESSAGE_BYTES} bytes. You have sent ${total} bytes.`,
      );
    }
    return runBatch(body.Entries, 'SendMessageBatchRequestEntry', (e) => enqueue(state, queue, e));
  },
};
