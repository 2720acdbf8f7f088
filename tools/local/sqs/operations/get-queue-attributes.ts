// GetQueueAttributes: the attributes asked for (or All), message counts included.
import type { Operation } from '../operation.js';
import { stringList } from '../protocol.js';
import { queueAttributes } from '../queue-attributes.js';

export const getQueueAttributes: Operation = {
  name: 'GetQueueAttributes',
  handle({ state, body }, queue) {
    const attributes = queueAttributes(state, queue, stringList(body.AttributeNames));
    return Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
  },
};
