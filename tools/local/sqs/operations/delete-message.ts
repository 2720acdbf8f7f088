// DeleteMessage: one delete; the batch's entry rules, as a request error.
import type { Operation } from '../operation.js';
import { deleteOne } from '../receipts.js';

export const deleteMessage: Operation = {
  name: 'DeleteMessage',
  handle({ state, body, record }, queue) {
    deleteOne(state, queue, body.ReceiptHandle, record.notes);
    return {};
  },
};
