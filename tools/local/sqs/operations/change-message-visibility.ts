// ChangeMessageVisibility: one visibility change; the batch's entry rules, as a request error.
import type { Operation } from '../operation.js';
import { changeVisibility } from '../receipts.js';

export const changeMessageVisibility: Operation = {
  name: 'ChangeMessageVisibility',
  handle({ state, body }, queue) {
    changeVisibility(state, queue, body.ReceiptHandle, body.VisibilityTimeout);
    return {};
  },
};
