/**
 * Sending a permanently failing message to the dead-letter queue, unchanged, with its reason as attributes.
 * A send that fails turns the outcome into a retry: the source queue keeps the message, nothing is lost.
 */
import type { QueuePort } from './adapters/queues.js';
import { classifyError, type RecordOutcome } from './core/outcome.js';

export interface DeadLetterSource {
  readonly sourceMessageId: string;
  /** SQS ApproximateReceiveCount; absent for direct EventBridge invocations. */
  readonly receiveCount?: number | undefined;
  readonly sourceQueueArn?: string | undefined;
  readonly detailType?: string | undefined;
}

/** SQS rejects empty attribute values, and all attributes count towards the message size. */
const MAX_ATTRIBUTE_LENGTH = 1024;

export function deadLetterAttributes(
  outcome: RecordOutcome & { kind: 'dead-letter' },
  source: DeadLetterSource,
  failedAt: Date,
): Record<string, string> {
  const attributes: Record<string, string | undefined> = {
    ErrorName: outcome.error.name,
    ErrorMessage: outcome.error.message,
    SourceMessageId: source.sourceMessageId,
    ApproximateReceiveCount: source.receiveCount === undefined ? undefined : String(source.receiveCount),
    SourceQueueArn: source.sourceQueueArn,
    DetailType: source.detailType,
    ClientToken: outcome.target?.clientToken,
    FailedAt: failedAt.toISOString(),
  };
  return Object.fromEntries(
    Object.entries(attributes)
      .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
      .map(([name, value]) => [name, value.slice(0, MAX_ATTRIBUTE_LENGTH)]),
  );
}

/** Sends a dead-letter outcome's message to the DLQ; any other outcome passes through unchanged. */
export async function deadLetterIfPermanent(
  queues: QueuePort,
  outcome: RecordOutcome,
  body: string,
  source: DeadLetterSource,
  abortSignal?: AbortSignal,
): Promise<RecordOutcome> {
  if (outcome.kind !== 'dead-letter') return outcome;
  try {
    await queues.sendToDeadLetterQueue(
      { body, attributes: deadLetterAttributes(outcome, source, new Date()) },
      abortSignal,
    );
    return outcome;
  } catch (error) {
    const { name, message } = classifyError(error);
    return {
      kind: 'retry',
      cause: 'dead-letter-unavailable',
      schedule: 'retry',
      error: {
        name,
        message: `dead-letter send failed (${message}) for ${outcome.error.name}: ${outcome.error.message}`,
      },
      ...(outcome.target === undefined ? {} : { target: outcome.target }),
    };
  }
}
