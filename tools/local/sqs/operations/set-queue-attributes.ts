// SetQueueAttributes: changes a queue's configuration.
import type { QueueOperation } from '../operation.js';
import { parseQueueAttributes } from '../queue-attributes.js';
import { wake } from '../state.js';

export const setQueueAttributes: QueueOperation = {
  name: 'SetQueueAttributes',
  target: 'QueueUrl',
  handle({ state, body }, queue) {
    queue.config = parseQueueAttributes(state, body.Attributes, queue.config);
    queue.modifiedAt = state.now();
    wake(state, queue.name);
    return {};
  },
};
