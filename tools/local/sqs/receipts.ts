// Receipt handles: deleting a message and changing its visibility, with SQS's answers for unknown, stale and
// expired handles.
import { SqsError } from './errors.js';
import { intParam, MAX_VISIBILITY, requireString } from './protocol.js';
import { type QueueState, type SqsState, wake } from './state.js';

/** Resolves a receipt handle to its message, or says why it cannot. */
function lookup(state: SqsState, q: QueueState, raw: unknown) {
  const handle = requireString('ReceiptHandle', raw);
  const known = state.receipts.get(handle);
  if (!known || known.queue !== q.name) {
    throw new SqsError(
      'ReceiptHandleIsInvalid',
      `The input receipt handle "${handle}" is not a valid receipt handle.`,
    );
  }
  const message = q.messages.find((m) => m.messageId === known.messageId);
  return { handle, message, stale: message !== undefined && message.receiptHandle !== handle };
}

export function deleteOne(state: SqsState, q: QueueState, raw: unknown, notes: string[]) {
  const { message, stale } = lookup(state, q, raw);
  if (!message) return; // already deleted (or moved to the DLQ): SQS answers success
  // SQS documents that deleting with an outdated handle "succeeds, but the message might not be deleted".
  if (stale) {
    notes.push(`stale receipt handle for ${message.messageId}: not deleted`);
    return;
  }
  // The handle stays known: deleting the same message again succeeds, as in SQS.
  q.messages = q.messages.filter((m) => m !== message);
}

export function changeVisibility(state: SqsState, q: QueueState, rawHandle: unknown, rawTimeout: unknown) {
  const { handle, message, stale } = lookup(state, q, rawHandle);
  if (rawTimeout === undefined || rawTimeout === null) {
    throw new SqsError('MissingParameter', 'The request must contain the parameter VisibilityTimeout.');
  }
  const timeout = intParam('VisibilityTimeout', rawTimeout, 0, MAX_VISIBILITY) ?? 0;
  if (!message || stale) {
    throw new SqsError(
      'ReceiptHandleIsInvalid',
      `The receipt handle "${handle}" is no longer valid: the message was ${message ? 'received again' : 'deleted'}.`,
    );
  }
  const t = state.now();
  if (message.visibleAt <= t) {
    throw new SqsError(
      'MessageNotInflight',
      `Message ${message.messageId} is not in flight (its visibility timeout expired).`,
    );
  }
  if (t + timeout * 1000 > (message.receivedAt ?? t) + MAX_VISIBILITY * 1000) {
    throw new SqsError(
      'InvalidParameterValue',
      `Value ${timeout} for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the ` +
        `message is beyond the limit [${MAX_VISIBILITY} seconds]`,
    );
  }
  message.visibleAt = t + timeout * 1000;
  if (timeout === 0) wake(state, q.name);
}
