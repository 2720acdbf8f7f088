// The event source mapping's calls to the source queue: abortable receives, the drained check, the deletes.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';

/** The most messages one ReceiveMessage returns and one DeleteMessageBatch deletes. */
export const MAX_BATCH = 10;
/** Consecutive ReceiveMessage failures after which the loop gives up (a missing queue, bad credentials...). */
const MAX_FAILING_RECEIVES = 10;

interface SourceQueueCounts {
  readonly receives: number;
  readonly receiveErrors: number;
  readonly deleteFailures: number;
}

export interface SourceQueue {
  /** One ReceiveMessage with every attribute; a failure or an abort receives nothing. */
  receive(max: number, waitSeconds: number): Promise<Message[]>;
  /** Ends every long poll under way (the loop is stopping, or virtual time knows the queue is empty). */
  abortReceives(): void;
  /** Whether the queue holds no message, visible, in flight or delayed; false when it cannot tell. */
  isEmpty(): Promise<boolean>;
  /** DeleteMessageBatch, 10 at a time; returns the message ids deleted. */
  deleteRecords(records: readonly SQSRecord[]): Promise<string[]>;
  counts(): SourceQueueCounts;
}

export interface SourceQueueOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly log: (line: string) => void;
  /** Called when receives keep failing: the loop cannot go on. */
  readonly giveUp: (reason: string) => void;
}

export function sourceQueue({ sqs, queueUrl, log, giveUp }: SourceQueueOptions): SourceQueue {
  const counts = { receives: 0, receiveErrors: 0, deleteFailures: 0 };
  const receiving = new Set<AbortController>();
  let failingReceives = 0;

  const receive = async (max: number, wait: number): Promise<Message[]> => {
    const controller = new AbortController();
    receiving.add(controller);
    try {
      counts.receives += 1;
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: max,
          WaitTimeSeconds: wait,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: controller.signal },
      );
      failingReceives = 0;
      return out.Messages ?? [];
    } catch (error) {
      if (controller.signal.aborted) return [];
      counts.receiveErrors += 1;
      failingReceives += 1;
      const why = `${(error as Error).name}: ${(error as Error).message}`;
      log(`ReceiveMessage failed: ${why}`);
      if (failingReceives >= MAX_FAILING_RECEIVES)
        giveUp(`ReceiveMessage failed ${failingReceives} times in a row (${why})`);
      else await sleep(100 * failingReceives);
      return [];
    } finally {
      receiving.delete(controller);
    }
  };

  const isEmpty = async (): Promise<boolean> => {
    try {
      const out = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: [
            'ApproximateNumberOfMessages',
            'ApproximateNumberOfMessagesNotVisible',
            'ApproximateNumberOfMessagesDelayed',
          ],
        }),
      );
      const a = out.Attributes ?? {};
      const count =
        Number(a.ApproximateNumberOfMessages ?? 0) +
        Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) +
        Number(a.ApproximateNumberOfMessagesDelayed ?? 0);
      return count === 0;
    } catch (error) {
      log(`GetQueueAttributes failed: ${(error as Error).name}: ${(error as Error).message}`);
      return false;
    }
  };

  const deleteRecords = async (records: readonly SQSRecord[]): Promise<string[]> => {
    const deleted: string[] = [];
    for (let start = 0; start < records.length; start += MAX_BATCH) {
      const chunk = records.slice(start, start + MAX_BATCH);
      try {
        const out = await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
          }),
        );
        const failed = new Set((out.Failed ?? []).map((f) => f.Id));
        for (const failure of out.Failed ?? []) {
          log(`DeleteMessageBatch entry ${failure.Id} failed: ${failure.Code}: ${failure.Message}`);
        }
        counts.deleteFailures += failed.size;
        chunk.forEach((r, i) => {
          if (!failed.has(String(i))) deleted.push(r.messageId);
        });
      } catch (error) {
        counts.deleteFailures += chunk.length;
        log(`DeleteMessageBatch failed: ${(error as Error).name}: ${(error as Error).message}`);
      }
    }
    return deleted;
  };

  return {
    receive,
    abortReceives: () => {
      for (const controller of receiving) controller.abort();
    },
    isEmpty,
    deleteRecords,
    counts: () => ({ ...counts }),
  };
}
