// The public shapes of the local SQS stand-in: options, faults, what it records, and its handle.
import type { SQSEvent } from 'aws-lambda';
import type { SqsErrorName, SqsErrorSpec } from './errors.js';

export type SqsOperation =
  | 'SendMessage'
  | 'SendMessageBatch'
  | 'ReceiveMessage'
  | 'DeleteMessageBatch'
  | 'ChangeMessageVisibilityBatch'
  | 'ChangeMessageVisibility'
  | 'DeleteMessage'
  | 'GetQueueAttributes'
  | 'StartMessageMoveTask'
  | 'ListMessageMoveTasks'
  | 'CancelMessageMoveTask';

interface RedriveOptions {
  /** Name or ARN of the dead-letter queue (must exist first). */
  deadLetterQueue: string;
  maxReceiveCount: number;
}

export interface QueueOptions {
  visibilityTimeoutSeconds?: number;
  delaySeconds?: number;
  messageRetentionSeconds?: number;
  receiveWaitTimeSeconds?: number;
  /** MaximumMessageSize: 1024 to 1,048,576 bytes. Default 1,048,576, the SQS default. */
  maximumMessageSize?: number;
  redrive?: RedriveOptions;
}

/** Makes requests to one queue fail, e.g. a DLQ that rejects sends. */
export interface SqsFault {
  queue: string;
  /** Default: SendMessage and SendMessageBatch. */
  operations?: readonly SqsOperation[];
  error: SqsErrorName | SqsErrorSpec;
  /** Fail this many matching requests, then behave. Default: always. */
  times?: number;
}

export interface LocalSqsOptions {
  /** Default: a free port. The server listens on 127.0.0.1, as region eu-west-1 and account 000000000000. */
  port?: number;
  /** Server clock: visibility, retention, delays, timestamps. Default Date.now. Long polls wait in real time. */
  now?: () => number;
  /** Created at start, in order (create dead-letter queues before the queues that name them). */
  queues?: Record<string, QueueOptions>;
  faults?: readonly SqsFault[];
  /** Upper bound on a long poll's real wait, whatever WaitTimeSeconds says. Default 20 000 ms. */
  maxLongPollMs?: number;
}

export interface StoredAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Uint8Array;
}

interface PeekedMessage {
  messageId: string;
  body: string;
  messageAttributes: Record<string, StoredAttribute>;
  receiveCount: number;
  sentAt: number;
  visibleAt: number;
  inFlight: boolean;
  delayed: boolean;
  firstReceivedAt?: number;
  deadLetterQueueSourceArn?: string;
}

export interface SqsRecordedRequest {
  seq: number;
  operation: string;
  queue?: string;
  body: unknown;
  status?: number;
  errorCode?: string;
  errorMessage?: string;
  /** Something the server did quietly, e.g. ignoring a stale receipt handle on delete. */
  notes: string[];
  receivedAt: number;
  respondedAt?: number;
}

export interface LocalSqs {
  url: string;
  port: number;
  region: string;
  accountId: string;
  readonly requests: SqsRecordedRequest[];
  close(): Promise<void>;
  createQueue(name: string, options?: QueueOptions): { url: string; arn: string };
  /** http://127.0.0.1:PORT/ACCOUNT/NAME */
  queueUrl(name: string): string;
  /** arn:aws:sqs:REGION:ACCOUNT:NAME */
  queueArn(name: string): string;
  /** The URL the worker derives from an event source ARN (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME). */
  awsStyleQueueUrl(name: string): string;
  /** Every message still in the queue, oldest first, without receiving it. */
  peek(name: string): PeekedMessage[];
  /** Sends without HTTP (test set-up). */
  send(name: string, body: string, attributes?: Record<string, StoredAttribute>): string;
  purge(name: string): void;
  setFaults(faults: readonly SqsFault[]): void;
  /** Shorthand: SendMessage/SendMessageBatch to `queue` fail with `error` (default InternalError). */
  failSends(queue: string, error?: SqsErrorName | SqsErrorSpec, times?: number): void;
  clearFaults(): void;
  countsByOperation(): Record<string, number>;
  /** Receives like the Lambda event source mapping and returns the SQS event it would invoke with. */
  receiveLambdaEvent(
    name: string,
    options?: { batchSize?: number; visibilityTimeoutSeconds?: number },
  ): SQSEvent;
}
