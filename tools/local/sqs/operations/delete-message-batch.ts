// DeleteMessageBatch: up to 10 deletes, each succeeding or failing on its own.
import { runBatch } from '../batch.js';
import type { Operation } from '../operation.js';
import { deleteOne } from '../receipts.js';

export const deleteMessageBatch: Operation = {
  name: 'DeleteMessageBatch',
  handle: ({ state, body, record }, queue) =>
    runBatch(body.Entries, 'DeleteMessageBatchRequestEntry', (e) => {
      deleteOne(state, queue, e.ReceiptHandle, record.notes);
      return {};
    }),
};
