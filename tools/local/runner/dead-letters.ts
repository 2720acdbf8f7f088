// The dead-letter queue's messages: peeked at locally, or received from a real queue without hiding them.
import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetter } from './accounting.js';
import type { Connection } from './endpoints.js';
import type { LocalWorld } from './world.js';

/** Every message in the run's dead-letter queue (this run's and earlier ones'). */
export function deadLettersOf(connection: Connection): Promise<DeadLetter[]> {
  return connection.local
    ? Promise.resolve(localDeadLetters(connection.local))
    : externalDeadLetters(connection.sqs, connection.deadLetterQueueUrl);
}

function localDeadLetters(world: LocalWorld): DeadLetter[] {
  return world.sqs.peek(world.deadLetterQueue).map((m) => ({
    messageId: m.messageId,
    body: m.body,
    attributes: Object.fromEntries(
      Object.entries(m.messageAttributes).flatMap(([name, a]) =>
        a.StringValue === undefined ? [] : [[name, a.StringValue]],
      ),
    ),
    ...(m.deadLetterQueueSourceArn === undefined ? {} : { redrivenFrom: m.deadLetterQueueSourceArn }),
    receiveCount: m.receiveCount,
  }));
}

/**
 * A real DLQ cannot be read without receiving: messages are received with a visibility timeout of 0 (they stay
 * available) until a few receives bring nothing new. Approximate, as SQS is.
 */
async function externalDeadLetters(sqs: SQSClient, queueUrl: string): Promise<DeadLetter[]> {
  const seen = new Map<string, DeadLetter>();
  let quiet = 0;
  for (let round = 0; round < 50 && quiet < 3; round++) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    let fresh = 0;
    for (const m of out.Messages ?? []) {
      if (m.MessageId === undefined || seen.has(m.MessageId)) continue;
      fresh += 1;
      const source = m.Attributes?.DeadLetterQueueSourceArn;
      seen.set(m.MessageId, {
        messageId: m.MessageId,
        body: m.Body ?? '',
        attributes: Object.fromEntries(
          Object.entries(m.MessageAttributes ?? {}).flatMap(([name, a]) =>
            a.StringValue === undefined ? [] : [[name, a.StringValue]],
          ),
        ),
        ...(source === undefined ? {} : { redrivenFrom: source }),
        receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
      });
    }
    quiet = fresh === 0 ? quiet + 1 : 0;
  }
  return [...seen.values()];
}
