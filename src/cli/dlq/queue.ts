/**
 * The SQS calls of `npm run dlq`. Batch calls never throw for their entries: a call that fails as a whole counts
 * as every entry failing with its error, so that the caller decides per message what is safe to do next.
 *
 * The client is built with `useQueueUrlAsEndpoint: false` (see src/queues/sqs.ts): with AWS_ENDPOINT_URL_SQS or
 * --endpoint-url set, requests go there whatever host the queue URL names.
 */
import {
  CancelMessageMoveTaskCommand,
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  type ListMessageMoveTasksResultEntry,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import type { ReceivedMessage } from './triage.js';

export const SQS_BATCH_LIMIT = 10;

/** Long enough for any SQS call (receives poll for 1 s); a hung connection fails instead of stalling the command. */
const REQUEST_TIMEOUT_MS = 30_000;

export function createCliSqsClient(options: { region?: string; endpoint?: string }): SQSClient {
  return new SQSClient({
    useQueueUrlAsEndpoint: false,
    requestHandler: {
      requestTimeout: REQUEST_TIMEOUT_MS,
      connectionTimeout: 5000,
      throwOnRequestTimeout: true,
    },
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
  });
}

export interface QueueFacts {
  readonly arn: string;
  readonly retentionSeconds: number;
  readonly visible: number;
  readonly inFlight: number;
}

/** An entry that did not succeed, keyed as the caller keyed it. */
export interface EntryFailure {
  readonly key: string;
  readonly error: string;
}

const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

export class DlqSqs {
  constructor(private readonly client: SQSClient) {}

  async facts(queueUrl: string): Promise<QueueFacts> {
    const { Attributes: a = {} } = await this.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: [
          'QueueArn',
          'MessageRetentionPeriod',
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
        ],
      }),
    );
    if (a.QueueArn === undefined) throw new Error(`GetQueueAttributes of ${queueUrl} gave no QueueArn`);
    return {
      arn: a.QueueArn,
      retentionSeconds: Number(a.MessageRetentionPeriod ?? 345_600),
      visible: Number(a.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  }

  /** Up to `max` (at most 10) visible messages, hidden for `visibilitySeconds`; a long poll of `waitSeconds`. */
  async receive(
    queueUrl: string,
    max: number,
    visibilitySeconds: number,
    waitSeconds: number,
  ): Promise<ReceivedMessage[]> {
    // Stryker disable next-line ArrayDeclaration: a default that is no message (no MessageId) is dropped all the same
    const { Messages = [] } = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(max, SQS_BATCH_LIMIT),
        VisibilityTimeout: visibilitySeconds,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['SentTimestamp', 'DeadLetterQueueSourceArn'],
        MessageAttributeNames: ['All'],
      }),
    );
    return Messages.flatMap((m) => {
      if (m.MessageId === undefined || m.ReceiptHandle === undefined) return [];
      const attributes: Record<string, string> = {};
      for (const [name, value] of Object.entries(m.MessageAttributes ?? {})) {
        if (value.StringValue !== undefined) attributes[name] = value.StringValue;
      }
      return [
        {
          messageId: m.MessageId,
          receiptHandle: m.ReceiptHandle,
          body: m.Body ?? '',
          attributes,
          sentAt: Number(m.Attributes?.SentTimestamp ?? Date.now()),
          movedFrom: m.Attributes?.DeadLetterQueueSourceArn,
        },
      ];
    });
  }

  /** Sets the visibility of each message; returns the ones SQS did not change (keyed by message id). */
  async setVisibility(
    queueUrl: string,
    messages: readonly ReceivedMessage[],
    seconds: number,
  ): Promise<EntryFailure[]> {
    return this.perEntry(
      messages,
      (batch) =>
        this.client.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: queueUrl,
            Entries: batch.map((m, i) => ({
              Id: String(i),
              ReceiptHandle: m.receiptHandle,
              VisibilityTimeout: seconds,
            })),
          }),
        ),
      (m) => m.messageId,
    );
  }

  /** Sends each body (nothing else: the source queue has no room for the reason); returns the failures by key. */
  async send(
    queueUrl: string,
    entries: readonly { readonly key: string; readonly body: string }[],
  ): Promise<EntryFailure[]> {
    return this.perEntry(
      entries,
      (batch) =>
        this.client.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: batch.map((entry, i) => ({ Id: String(i), MessageBody: entry.body })),
          }),
        ),
      (entry) => entry.key,
    );
  }

  /** Deletes each message; returns the ones not deleted (keyed by message id). */
  async delete(queueUrl: string, messages: readonly ReceivedMessage[]): Promise<EntryFailure[]> {
    return this.perEntry(
      messages,
      (batch) =>
        this.client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.receiptHandle })),
          }),
        ),
      (m) => m.messageId,
    );
  }

  async startMoveTask(sourceArn: string, destinationArn: string, rate: number | undefined): Promise<string> {
    const { TaskHandle } = await this.client.send(
      new StartMessageMoveTaskCommand({
        SourceArn: sourceArn,
        DestinationArn: destinationArn,
        ...(rate === undefined ? {} : { MaxNumberOfMessagesPerSecond: rate }),
      }),
    );
    if (TaskHandle === undefined) throw new Error('StartMessageMoveTask gave no TaskHandle');
    return TaskHandle;
  }

  async latestMoveTask(sourceArn: string): Promise<ListMessageMoveTasksResultEntry | undefined> {
    const { Results = [] } = await this.client.send(
      new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 1 }),
    );
    return Results[0];
  }

  async cancelMoveTask(taskHandle: string): Promise<number | undefined> {
    const out = await this.client.send(new CancelMessageMoveTaskCommand({ TaskHandle: taskHandle }));
    return out.ApproximateNumberOfMessagesMoved;
  }

  /**
   * Runs a batch call per 10 entries. Only an entry SQS lists as successful succeeded: a failed entry, one SQS
   * does not mention, and each entry of a call that throws are failures.
   */
  private async perEntry<T>(
    items: readonly T[],
    call: (batch: T[]) => Promise<BatchResult>,
    keyOf: (item: T) => string,
  ): Promise<EntryFailure[]> {
    const failures: EntryFailure[] = [];
    for (const batch of chunks(items, SQS_BATCH_LIMIT)) {
      let result: BatchResult;
      try {
        result = await call(batch);
      } catch (error) {
        failures.push(...batch.map((item) => ({ key: keyOf(item), error: describeError(error) })));
        continue;
      }
      // Stryker disable next-line ArrayDeclaration: an entry without an Id matches no batch index
      const succeeded = new Set((result.Successful ?? []).map((entry) => entry.Id));
      // Stryker disable next-line ArrayDeclaration: an entry without an Id matches no batch index
      const failed = new Map((result.Failed ?? []).map((entry) => [entry.Id, entry]));
      batch.forEach((item, i) => {
        if (succeeded.has(String(i))) return;
        const entry = failed.get(String(i));
        const error = entry ? `${entry.Code ?? 'Failed'}: ${entry.Message ?? ''}` : 'not reported by SQS';
        failures.push({ key: keyOf(item), error });
      });
    }
    return failures;
  }
}

interface BatchResult {
  readonly Successful?: readonly { readonly Id?: string | undefined }[] | undefined;
  readonly Failed?:
    | readonly {
        readonly Id?: string | undefined;
        readonly Code?: string | undefined;
        readonly Message?: string | undefined;
      }[]
    | undefined;
}
