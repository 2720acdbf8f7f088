/**
 * A dead letter's reason as SQS message attributes, valid by construction: every value is limited to the
 * characters SQS accepts, cut by code point and capped, so that together they never exceed
 * DEAD_LETTER_ATTRIBUTES_MAX_BYTES. The stack gives the DLQ that much more room than the source queue, so any
 * body the source queue accepted fits with its reason.
 */
import type { DeadLetterReason } from '../core/ports.js';
import { toPrintableAscii, toXmlText, truncateCodePoints } from '../core/text.js';
import DEFAULTS from '../runtime/defaults.json' with { type: 'json' };

/** What the worker's attributes may add to a message, names and data types included (UTF-8 bytes). */
export const DEAD_LETTER_ATTRIBUTES_MAX_BYTES = DEFAULTS.deadLetterAttributesMaxBytes;

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

export function deadLetterAttributes(reason: DeadLetterReason): Record<string, string> {
  const values: Record<AttributeName, string | undefined> = {
    ErrorName: reason.errorName,
    ErrorMessage: reason.errorMessage,
    SourceMessageId: reason.sourceMessageId,
    ApproximateReceiveCount: reason.receiveCount === undefined ? undefined : String(reason.receiveCount),
    SourceQueueArn: reason.sourceQueueArn,
    DetailType: reason.detailType,
    ClientToken: reason.clientToken,
    FailedAt: reason.failedAt.toISOString(),
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
