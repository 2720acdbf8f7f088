// ReceiveMessage: up to 10 visible messages, long polling when asked to.
import { receive } from '../delivery.js';
import type { Operation } from '../operation.js';

export const receiveMessage: Operation = {
  name: 'ReceiveMessage',
  handle: ({ state, body, response }, queue) => receive(state, queue, body, response),
};
