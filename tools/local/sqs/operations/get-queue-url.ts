// GetQueueUrl: the URL of a queue named.
import type { ServiceOperation } from '../operation.js';
import { requireString } from '../protocol.js';
import { getQueue, urlOf } from '../state.js';

export const getQueueUrl: ServiceOperation = {
  name: 'GetQueueUrl',
  target: 'QueueName',
  handle: ({ state, body }) => ({
    QueueUrl: urlOf(state, getQueue(state, requireString('QueueName', body.QueueName)).name),
  }),
};
