// ListQueues: every queue's URL, or those whose name starts with a prefix.
import type { ServiceOperation } from '../operation.js';
import { urlOf } from '../state.js';

export const listQueues: ServiceOperation = {
  name: 'ListQueues',
  target: 'none',
  handle({ state, body }) {
    const prefix = typeof body.QueueNamePrefix === 'string' ? body.QueueNamePrefix : '';
    return {
      QueueUrls: [...state.queues.keys()].filter((n) => n.startsWith(prefix)).map((n) => urlOf(state, n)),
    };
  },
};
