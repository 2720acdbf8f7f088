// ReceiveMessage: up to 10 visible messages, long polling when asked to.
import { receive } from '../delivery.js';
import type { QueueOperation } from '../operation.js';

export const receiveMessage: QueueOperation = {
  name: 'ReceiveMessage',
  target: 'QueueUrl',
  handle: ({ state, body, response }, queue) => receive(state, queue, body, response),
};
