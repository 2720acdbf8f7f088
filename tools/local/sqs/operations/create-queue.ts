// CreateQueue: a new queue, or the existing one when its attributes match.
import type { ServiceOperation } from '../operation.js';
import { requireString } from '../protocol.js';
import { createQueue as create } from '../queue-attributes.js';
import { urlOf } from '../state.js';

export const createQueue: ServiceOperation = {
  name: 'CreateQueue',
  target: 'QueueName',
  handle: ({ state, body }) => ({
    QueueUrl: urlOf(state, create(state, requireString('QueueName', body.QueueName), body.Attributes).name),
  }),
};
