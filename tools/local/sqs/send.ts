// Sending: one message validated as SQS validates it (body characters, delay, attributes, size), then stored.
import { randomUUID } from 'node:crypto';
import { ALLOWED_CHARACTERS, invalidCharacter } from './characters.js';
import { SqsError } from './errors.js';
import { attributeSize, md5, md5OfMessageAttributes, parseMessageAttributes } from './message-attributes.js';
import { intParam, requireString } from './protocol.js';
import { type QueueState, type SqsState, type StoredMessage, wake } from './state.js';

/** Validates and enqueues one message; returns the SendMessage result fields. */
export function enqueue(state: SqsState, q: QueueState, entry: Record<string, unknown>) {
  const body = requireString('MessageBody', entry.MessageBody);
  const bad = invalidCharacter(body);
  if (bad !== undefined) {
    throw new SqsError(
      'InvalidMessageContents',
      `Invalid binary character '${bad}' was found in the message body, the set of allowed characters is ` +
        `${ALLOWED_CHARACTERS}.`,
    );
  }
  const delay = intParam('DelaySeconds', entry.DelaySeconds, 0, 900, 'DelaySeconds must be >= 0 and <= 900.');
  const attributes = parseMessageAttributes(entry.MessageAttributes);
  const systemAttributes = parseMessageAttributes(entry.MessageSystemAttributes);
  // The size SQS holds against MaximumMessageSize: body and attributes in UTF-8 bytes (system attributes not).
  const size = Buffer.byteLength(body) + attributeSize(attributes);
  if (size > q.config.maximumMessageSize) {
    throw new SqsError(
      'InvalidParameterValue',
      `One or more parameters are invalid. Reason: Message must be shorter than ${q.config.maximumMessageSize} bytes.`,
    );
  }
  const t = state.now();
  const m: StoredMessage = {
    messageId: randomUUID(),
    body,
    md5OfBody: md5(body),
    attributes,
    systemAttributes,
    sentAt: t,
    visibleAt: t + (delay ?? q.config.delaySeconds) * 1000,
    receiveCount: 0,
  };
  q.messages.push(m);
  wake(state, q.name);
  return {
    MessageId: m.messageId,
    MD5OfMessageBody: m.md5OfBody,
    ...(Object.keys(attributes).length > 0
      ? { MD5OfMessageAttributes: md5OfMessageAttributes(attributes) }
      : {}),
    ...(Object.keys(systemAttributes).length > 0
      ? { MD5OfMessageSystemAttributes: md5OfMessageAttributes(systemAttributes) }
      : {}),
  };
}
