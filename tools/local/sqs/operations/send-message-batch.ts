// SendMessageBatch: up to 10 messages, each accepted or refused on its own.
import { isRecord } from '../../http-util.js';
import { runBatch } from '../batch.js';
import { SqsError } from '../errors.js';
import type { Operation } from '../operation.js';
import { enqueue } from '../send.js';

export const sendMessageBatch: Operation = {
  name: 'SendMessageBatch',
  handle({ state, body }, queue) {
    const total = (Array.isArray(body.Entries) ? body.Entries : []).reduce<number>(
      (n, e) => n + (isRecord(e) && typeof e.MessageBody === 'string' ? Buffer.byteLength(e.MessageBody) : 0),
      0,
    );
    if (total > queue.config.maximumMessageSize) {
      throw new SqsError(
        'BatchRequestTooLong',
        `Batch requests cannot be longer than ${queue.config.maximumMessageSize} bytes. You have sent ${total} bytes.`,
      );
    }
    return runBatch(body.Entries, 'SendMessageBatchRequestEntry', (e) => enqueue(state, queue, e));
  },
};
