/**
 * Sending a permanently failing message to the dead-letter queue, unchanged, with its reason. A send that fails
 * turns the outcome into a retry: the source queue keeps the message, nothing is lost.
 */
import { type RecordOutcome, summarise } from '../core/outcome.js';
import type { DeadLetterReason, QueuePort } from '../core/ports.js';

/** Where a message came from, for its dead letter. */
export type DeadLetterSource = Omit<
  DeadLetterReason,
  'errorName' | 'errorMessage' | 'clientToken' | 'failedAt'
>;

/** Sends a dead-letter outcome's message to the DLQ; any other outcome passes through unchanged. */
export async function deadLetterIfPermanent(
  queues: QueuePort,
  outcome: RecordOutcome,
  body: string,
  source: DeadLetterSource & { readonly failedAt: Date },
  abortSignal?: AbortSignal,
): Promise<RecordOutcome> {
  if (outcome.kind !== 'dead-letter') return outcome;
  const reason: DeadLetterReason = {
    ...source,
    errorName: outcome.error.name,
    errorMessage: outcome.error.message,
    clientToken: outcome.target?.clientToken,
  };
  try {
    await queues.deadLetter({ body, reason }, abortSignal);
    return outcome;
  } catch (error) {
    const { name, message } = summarise(error);
    return {
      kind: 'retry',
      cause: 'dead-letter-unavailable',
      schedule: 'short',
      error: {
        name,
        message: `dead-letter send failed (${message}) for ${outcome.error.name}: ${outcome.error.message}`,
      },
      ...(outcome.target === undefined ? {} : { target: outcome.target }),
    };
  }
}
