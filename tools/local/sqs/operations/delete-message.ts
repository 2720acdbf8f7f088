// DeleteMessage: deletes the message its latest receipt handle names.
import type { QueueOperation } from '../operation.js';
import { deleteOne } from '../receipts.js';

export const deleteMessage: QueueOperation = {
  name: 'DeleteMessage',
  target: 'QueueUrl',
  handle({ state, body, record }, queue) {
    deleteOne(state, queue, body.ReceiptHandle, record.notes);
    return {};
  },
};
