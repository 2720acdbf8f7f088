// PurgeQueue: deletes every message of a queue.
import type { QueueOperation } from '../operation.js';

export const purgeQueue: QueueOperation = {
  name: 'PurgeQueue',
  target: 'QueueUrl',
  handle(_request, queue) {
    queue.messages = [];
    return {};
  },
};
