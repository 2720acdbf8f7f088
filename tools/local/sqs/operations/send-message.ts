// SendMessage: one message, validated and stored.
import type { Operation } from '../operation.js';
import { enqueue } from '../send.js';

export const sendMessage: Operation = {
  name: 'SendMessage',
  handle: ({ state, body }, queue) => enqueue(state, queue, body),
};
