// ChangeMessageVisibility: a new visibility timeout for a message in flight.
import type { QueueOperation } from '../operation.js';
import { changeVisibility } from '../receipts.js';

export const changeMessageVisibility: QueueOperation = {
  name: 'ChangeMessageVisibility',
  target: 'QueueUrl',
  handle({ state, body }, queue) {
    changeVisibility(state, queue, body.ReceiptHandle, body.VisibilityTimeout);
    return {};
  },
};
