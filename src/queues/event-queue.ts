/** The worker's source queue as a sweep sees it: events sent in batches of ten, every one or an error. */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { EventQueue } from '../core/ports.js';

const SQS_BATCH_LIMIT = 10;

export class SqsEventQueue implements EventQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  /** Throws when SQS took not all of them: the caller sends the page again (the worker dedupes). */
  async send(bodies: readonly string[]): Promise<void> {
    for (let start = 0; start < bodies.length; start += SQS_BATCH_LIMIT) {
      const chunk = bodies.slice(start, start + SQS_BATCH_LIMIT);
      const output = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map((body, index) => ({ Id: String(index), MessageBody: body })),
        }),
      );
      const [failure] = output.Failed ?? [];
      if (failure !== undefined) {
        throw Object.assign(
          new Error(`SendMessageBatch refused an event: ${failure.Code}: ${failure.Message ?? ''}`),
          {
            name: failure.Code ?? 'SendMessageBatchFailed',
          },
        );
      }
    }
  }
}
