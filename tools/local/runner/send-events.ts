// The run's events sent to the source queue, with the message id SQS gave each or the reason it refused it.
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SentEvent } from './accounting.js';
import type { InputEvent } from './event-files.js';

/** SendMessageBatch, 10 at a time; entries SQS refuses are retried twice, then reported as not sent. */
export async function sendEvents(
  sqs: SQSClient,
  queueUrl: string,
  events: readonly InputEvent[],
  log: (line: string) => void,
): Promise<SentEvent[]> {
  const sent: SentEvent[] = events.map((event, i) => ({
    index: i + 1,
    label: event.label,
    body: event.body,
  }));
  let pending = sent.map((_, i) => i);
  for (let attempt = 1; attempt <= 3 && pending.length > 0; attempt++) {
    const failed: number[] = [];
    for (let start = 0; start < pending.length; start += 10) {
      const chunk = pending.slice(start, start + 10);
      try {
        const out = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((i) => ({ Id: String(i), MessageBody: events[i]?.body ?? '' })),
          }),
        );
        for (const ok of out.Successful ?? []) {
          const i = Number(ok.Id);
          const event = sent[i];
          if (event !== undefined && ok.MessageId !== undefined)
            sent[i] = { ...event, messageId: ok.MessageId };
        }
        for (const failure of out.Failed ?? []) {
          const i = Number(failure.Id);
          failed.push(i);
          const event = sent[i];
          if (event !== undefined) sent[i] = { ...event, sendError: `${failure.Code}: ${failure.Message}` };
        }
      } catch (error) {
        failed.push(...chunk);
        for (const i of chunk) {
          const event = sent[i];
          if (event !== undefined)
            sent[i] = { ...event, sendError: `${(error as Error).name}: ${(error as Error).message}` };
        }
      }
    }
    pending = failed;
  }
  log(
    `sent ${sent.filter((e) => e.messageId !== undefined).length} of ${sent.length} event(s) to ${queueUrl}`,
  );
  return sent;
}
