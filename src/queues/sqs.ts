/**
 * The SQS side effects of reporting: dead-letter sends and visibility changes. The only code that talks to SQS.
 *
 * The client is built with `useQueueUrlAsEndpoint: false`: queue URLs derived from an `eventSourceARN` name the
 * regional AWS host, and the SDK would otherwise send there even when AWS_ENDPOINT_URL_SQS points elsewhere
 * (a local endpoint in development and tests). In AWS the resolved regional endpoint is that same host.
 */
import { ChangeMessageVisibilityBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { summarise } from '../core/outcome.js';
import type { DeadLetter, QueuePort, VisibilityChange, VisibilityChangeFailure } from '../core/ports.js';
import { collectBody } from '../runtime/body-collector.js';
import { SigningSha256 } from '../runtime/signing-hash.js';
import { deadLetterAttributes, minimalDeadLetterAttributes } from './dead-letter-attributes.js';

const SQS_BATCH_LIMIT = 10;

/** How SQS says a message's content or attributes are invalid (as opposed to a passing or permission failure). */
const INVALID_MESSAGE_ERRORS = new Set([
  'InvalidMessageContents',
  'InvalidAttributeValue',
  'InvalidAttributeName',
  'InvalidParameterValue',
]);

export function createSqsClient(requestTimeoutMs: number): SQSClient {
  return new SQSClient({
    useQueueUrlAsEndpoint: false,
    // Enforced, not only warned about: a stuck call must end in time for the batch's report.
    requestHandler: {
      requestTimeout: requestTimeoutMs,
      connectionTimeout: Math.min(requestTimeoutMs, 3000),
      throwOnRequestTimeout: true,
    },
    sha256: SigningSha256,
    streamCollector: collectBody,
  });
}

export class SqsQueues implements QueuePort {
  constructor(
    private readonly client: SQSClient,
    private readonly deadLetterQueueUrl: string,
  ) {}

  /** A send SQS refuses as invalid is made once more with the minimal attributes rather than losing the reason. */
  async deadLetter({ body, reason }: DeadLetter, abortSignal?: AbortSignal): Promise<void> {
    const attributes = deadLetterAttributes(reason);
    try {
      await this.sendMessage(body, attributes, abortSignal);
    } catch (error) {
      if (!isInvalidMessageError(error)) throw error;
      await this.sendMessage(body, minimalDeadLetterAttributes(attributes), abortSignal);
    }
  }

  private async sendMessage(
    body: string,
    attributes: Readonly<Record<string, string>>,
    abortSignal: AbortSignal | undefined,
  ): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.deadLetterQueueUrl,
        MessageBody: body,
        MessageAttributes: Object.fromEntries(
          Object.entries(attributes).map(([name, value]) => [
            name,
            { DataType: 'String', StringValue: value },
          ]),
        ),
      }),
      abortSignal === undefined ? {} : { abortSignal },
    );
  }

  async changeVisibility(
    changes: readonly VisibilityChange[],
    abortSignal?: AbortSignal,
  ): Promise<VisibilityChangeFailure[]> {
    const byQueue = Map.groupBy(changes, (change) => change.queueUrl);
    const chunks = [...byQueue].flatMap(([queueUrl, queueChanges]) =>
      chunk(queueChanges, SQS_BATCH_LIMIT).map((entries) => ({ queueUrl, entries })),
    );
    const results = await Promise.all(
      chunks.map(({ queueUrl, entries }) => this.changeVisibilityChunk(queueUrl, entries, abortSignal)),
    );
    return results.flat();
  }

  private async changeVisibilityChunk(
    queueUrl: string,
    changes: readonly VisibilityChange[],
    abortSignal: AbortSignal | undefined,
  ): Promise<VisibilityChangeFailure[]> {
    try {
      const output = await this.client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          // Batch entry ids must be unique within the call and [A-Za-z0-9_-]: the position is both.
          Entries: changes.map((change, index) => ({
            Id: String(index),
            ReceiptHandle: change.receiptHandle,
            VisibilityTimeout: change.timeoutSeconds,
          })),
        }),
        abortSignal === undefined ? {} : { abortSignal },
      );
      return (output.Failed ?? []).map((failure) => ({
        key: changes[Number(failure.Id)]?.key ?? `unknown entry ${failure.Id}`,
        errorName: failure.Code ?? 'UnknownError',
        errorMessage: withoutReceiptHandles(failure.Message ?? '', changes),
      }));
    } catch (error) {
      const { name, message } = summarise(error);
      const errorMessage = withoutReceiptHandles(message, changes);
      return changes.map((change) => ({ key: change.key, errorName: name, errorMessage }));
    }
  }
}

/** SQS echoes receipt handles in its error messages; they grant deletion, so they stay out of the logs. */
function withoutReceiptHandles(message: string, changes: readonly VisibilityChange[]): string {
  let redacted = message;
  for (const { receiptHandle } of changes) {
    if (receiptHandle) redacted = redacted.replaceAll(receiptHandle, '<receipt handle>');
  }
  return redacted;
}

/** The error's name, or the query-protocol code SQS adds for some errors (`AWS.SimpleQueueService.X`). */
function isInvalidMessageError(error: unknown): boolean {
  const code = (error as { Code?: unknown } | null | undefined)?.Code;
  return (
    INVALID_MESSAGE_ERRORS.has(summarise(error).name) ||
    (typeof code === 'string' && INVALID_MESSAGE_ERRORS.has(code.replace(/^AWS\.SimpleQueueService\./, '')))
  );
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/** `arn:PARTITION:sqs:REGION:ACCOUNT:NAME` → the queue URL SQS expects as `QueueUrl`. */
export function queueUrlFromArn(arn: string): string {
  const parts = arn.split(':');
  const [prefix, partition, service, region, account, name] = parts;
  if (
    parts.length !== 6 ||
    prefix !== 'arn' ||
    service !== 'sqs' ||
    !partition ||
    !region ||
    !account ||
    !name
  ) {
    throw new Error(
      `eventSourceARN: expected an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME), got "${arn}"`,
    );
  }
  const domain = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${region}.${domain}/${account}/${name}`;
}
