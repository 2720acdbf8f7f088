/**
 * Sending a permanently failing message to the dead-letter queue, unchanged, with its reason as attributes.
 * A send that fails turns the outcome into a retry: the source queue keeps the message, nothing is lost.
 *
 * The attributes are valid by construction: every value is limited to the characters SQS accepts, cut by code
 * point and capped, so that together they never exceed DEAD_LETTER_ATTRIBUTES_MAX_BYTES. The stack gives the DLQ
 * that much more room than the source queue, so any body the source queue accepted fits with its reason.
 */

import { classifyError, DeadLetterRefusedError, type RecordOutcome } from '../core/outcome.js';
import { toPrintableAscii, toXmlText, truncateCodePoints } from '../core/text.js';
import type { QueuePort } from '../queues/sqs.js';

export interface DeadLetterSource {
  readonly sourceMessageId: string;
  /** SQS ApproximateReceiveCount; absent for direct EventBridge invocations. */
  readonly receiveCount?: number | undefined;
  readonly sourceQueueArn?: string | undefined;
  readonly detailType?: string | undefined;
}

/** What the worker's attributes may add to a message, names and data types included (UTF-8 bytes). */
export const DEAD_LETTER_ATTRIBUTES_MAX_BYTES = 8192;

/**
 * Each attribute's cap in code points (at most 4 UTF-8 bytes each). With the names and the "String" data types
 * the worst case is 8,022 bytes, within DEAD_LETTER_ATTRIBUTES_MAX_BYTES; a unit test holds the sum to it.
 */
export const ATTRIBUTE_MAX_CODE_POINTS = {
  ErrorName: 128,
  ErrorMessage: 1024,
  SourceMessageId: 128,
  ApproximateReceiveCount: 16,
  SourceQueueArn: 256,
  DetailType: 256,
  ClientToken: 128,
  FailedAt: 32,
} as const;

type AttributeName = keyof typeof ATTRIBUTE_MAX_CODE_POINTS;

/** The attributes kept when SQS refuses the full set: the reason and where it came from, in plain ASCII. */
const MINIMAL_ATTRIBUTES: readonly AttributeName[] = [
  'ErrorName',
  'ErrorMessage',
  'SourceMessageId',
  'FailedAt',
];

export function deadLetterAttributes(
  outcome: RecordOutcome & { kind: 'dead-letter' },
  source: DeadLetterSource,
  failedAt: Date,
): Record<string, string> {
  const values: Record<AttributeName, string | undefined> = {
    ErrorName: outcome.error.name,
    ErrorMessage: outcome.error.message,
    SourceMessageId: source.sourceMessageId,
    ApproximateReceiveCount: source.receiveCount === undefined ? undefined : String(source.receiveCount),
    SourceQueueArn: source.sourceQueueArn,
    DetailType: source.detailType,
    ClientToken: outcome.target?.clientToken,
    FailedAt: failedAt.toISOString(),
  };
  const attributes: Record<string, string> = {};
  for (const name of Object.keys(ATTRIBUTE_MAX_CODE_POINTS) as AttributeName[]) {
    const value = values[name];
    // SQS refuses empty values; an absent fact is an absent attribute.
    if (value === undefined || value === '') continue;
    attributes[name] = truncateCodePoints(toXmlText(value), ATTRIBUTE_MAX_CODE_POINTS[name]);
  }
  return attributes;
}

/** The fallback set: fewer attributes, printable ASCII only, for a send SQS refused as invalid. */
export function minimalDeadLetterAttributes(
  attributes: Readonly<Record<string, string>>,
): Record<string, string> {
  const minimal: Record<string, string> = {};
  for (const name of MINIMAL_ATTRIBUTES) {
    const value = attributes[name];
    if (value !== undefined) minimal[name] = toPrintableAscii(value);
  }
  return minimal;
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
  const attributes = deadLetterAttributes(outcome, source, new Date());
  try {
    await sendKeepingTheReason(queues, body, attributes, abortSignal);
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

/** A send SQS refuses as invalid is made once more with the minimal attributes rather than losing the reason. */
async function sendKeepingTheReason(
  queues: QueuePort,
  body: string,
  attributes: Readonly<Record<string, string>>,
  abortSignal: AbortSignal | undefined,
): Promise<void> {
  try {
    await queues.sendToDeadLetterQueue({ body, attributes }, abortSignal);
  } catch (error) {
    if (!(error instanceof DeadLetterRefusedError)) throw error;
    await queues.sendToDeadLetterQueue(
      { body, attributes: minimalDeadLetterAttributes(attributes) },
      abortSignal,
    );
  }
}
