// ChangeMessageVisibilityBatch: up to 10 visibility changes, each succeeding or failing on its own.
import { runBatch } from '../batch.js';
import type { Operation } from '../operation.js';
import { changeVisibility } from '../receipts.js';

export const changeMessageVisibilityBatch: Operation = {
  name: 'ChangeMessageVisibilityBatch',
  handle: ({ state, body }, queue) =>
    runBatch(body.Entries, 'ChangeMessageVisibilityBatchRequestEntry', (e) => {
      changeVisibility(state, queue, e.ReceiptHandle, e.VisibilityTimeout);
      return {};
    }),
};
