// SendMessage: one message, validated and stored.
import type { QueueOperation } from '../operation.js';
import { enqueue } from '../send.js';

export const sendMessage: QueueOperation = {
  name: 'SendMessage',
  target: 'QueueUrl',
  handle: ({ state, body }, queue) => enqueue(state, queue, body),
};
