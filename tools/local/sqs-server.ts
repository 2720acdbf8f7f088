// A local stand-in for Amazon SQS speaking the JSON protocol (awsJson1_0, query-compatible errors), for
// development and tests only. Standard queues only (no FIFO). Never import this from src/.
//
// Queues are identified by the last path segment of QueueUrl, whatever its host: the worker derives queue URLs
// from eventSourceARN (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME) and sends them here through a client built
// with `endpoint` + `useQueueUrlAsEndpoint: false`.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { closeServer, isRecord, listen, readBody } from './http-util.js';

export type SqsOperation =
  | 'SendMessage'
  | 'SendMessageBatch'
  | 'ReceiveMessage'
  | 'DeleteMessage'
  | 'DeleteMessageBatch'
  | 'ChangeMessageVisibility'
  | 'ChangeMessageVisibilityBatch'
  | 'GetQueueAttributes'
  | 'SetQueueAttributes'
  | 'CreateQueue'
  | 'GetQueueUrl'
  | 'ListQueues'
  | 'PurgeQueue';

const OPERATIONS: ReadonlySet<string> = new Set<SqsOperation>([
  'SendMessage',
  'SendMessageBatch',
  'ReceiveMessage',
  'DeleteMessage',
  'DeleteMessageBatch',
  'ChangeMessageVisibility',
  'ChangeMessageVisibilityBatch',
  'GetQueueAttributes',
  'SetQueueAttributes',
  'CreateQueue',
  'GetQueueUrl',
  'ListQueues',
  'PurgeQueue',
]);

/**
 * How an error goes on the wire: HTTP status, `__type` (the model's shape name), and the query-protocol code and
 * fault sent in `x-amzn-query-error`, which the SDK (awsQueryCompatible) prefers to name the error.
 */
export interface SqsErrorSpec {
  status: number;
  shape: string;
  queryCode: string;
  fault: 'Sender' | 'Receiver';
  message: string;
}

const err = (status: number, shape: string, queryCode: string, message: string): SqsErrorSpec => ({
  status,
  shape,
  queryCode,
  fault: status >= 500 ? 'Receiver' : 'Sender',
  message,
});

/** The errors this server produces, with the statuses and query codes of the SQS model. */
export const SQS_ERRORS = {
  QueueDoesNotExist: err(
    400,
    'QueueDoesNotExist',
    'AWS.SimpleQueueService.NonExistentQueue',
    'The specified queue does not exist.',
  ),
  QueueNameExists: err(
    400,
    'QueueNameExists',
    'QueueAlreadyExists',
    'A queue already exists with the same name and a different value for an attribute.',
  ),
  ReceiptHandleIsInvalid: err(
    404,
    'ReceiptHandleIsInvalid',
    'ReceiptHandleIsInvalid',
    'The input receipt handle is not a valid receipt handle.',
  ),
  MessageNotInflight: err(
    400,
    'MessageNotInflight',
    'AWS.SimpleQueueService.MessageNotInflight',
    'The message referred to is not in flight.',
  ),
  InvalidAddress: err(404, 'InvalidAddress', 'InvalidAddress', 'The address is not valid for this endpoint.'),
  InvalidAttributeName: err(400, 'InvalidAttributeName', 'InvalidAttributeName', 'Unknown attribute.'),
  InvalidMessageContents: err(
    400,
    'InvalidMessageContents',
    'InvalidMessageContents',
    'The message contains characters outside the allowed set.',
  ),
  EmptyBatchRequest: err(
    400,
    'EmptyBatchRequest',
    'AWS.SimpleQueueService.EmptyBatchRequest',
    'The batch request does not contain any entries.',
  ),
  TooManyEntriesInBatchRequest: err(
    400,
    'TooManyEntriesInBatchRequest',
    'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
    'The batch request contains more entries than permissible.',
  ),
  BatchEntryIdsNotDistinct: err(
    400,
    'BatchEntryIdsNotDistinct',
    'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
    'Two or more batch entries in the request have the same Id.',
  ),
  InvalidBatchEntryId: err(
    400,
    'InvalidBatchEntryId',
    'AWS.SimpleQueueService.InvalidBatchEntryId',
    'The Id of a batch entry in a batch request does not abide by the specification.',
  ),
  BatchRequestTooLong: err(
    400,
    'BatchRequestTooLong',
    'AWS.SimpleQueueService.BatchRequestTooLong',
    'The length of all the messages put together is more than the limit.',
  ),
  UnsupportedOperation: err(
    400,
    'UnsupportedOperation',
    'AWS.SimpleQueueService.UnsupportedOperation',
    'Unsupported operation.',
  ),
  // Not modelled as shapes: the SDK names them after the query code (InvalidParameterValue, MissingParameter...).
  InvalidParameterValue: err(
    400,
    'InvalidParameterValue',
    'InvalidParameterValue',
    'Invalid parameter value.',
  ),
  MissingParameter: err(400, 'MissingParameter', 'MissingParameter', 'A required parameter is missing.'),
  UnknownOperation: err(400, 'UnknownOperationException', 'UnknownOperationException', 'Unknown operation.'),
  SerializationException: err(
    400,
    'SerializationException',
    'SerializationException',
    'Malformed request body.',
  ),
  // For fault injection.
  InternalError: err(
    500,
    'InternalError',
    'InternalError',
    'We encountered an internal error. Please try again.',
  ),
  ServiceUnavailable: err(
    503,
    'ServiceUnavailable',
    'ServiceUnavailable',
    'The request has failed due to a temporary failure of the server.',
  ),
  KmsAccessDenied: err(
    400,
    'KmsAccessDenied',
    'KMS.AccessDeniedException',
    'The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.',
  ),
  RequestThrottled: err(403, 'RequestThrottled', 'RequestThrottled', 'Rate exceeded.'),
} satisfies Record<string, SqsErrorSpec>;

export type SqsErrorName = keyof typeof SQS_ERRORS;

class SqsError extends Error {
  readonly spec: SqsErrorSpec;
  constructor(spec: SqsErrorName | SqsErrorSpec, message?: string) {
    const s = typeof spec === 'string' ? SQS_ERRORS[spec] : spec;
    super(message ?? s.message);
    this.spec = s;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Public shapes

export interface RedriveOptions {
  /** Name or ARN of the dead-letter queue (must exist first). */
  deadLetterQueue: string;
  maxReceiveCount: number;
}

export interface QueueOptions {
  visibilityTimeoutSeconds?: number;
  delaySeconds?: number;
  messageRetentionSeconds?: number;
  receiveWaitTimeSeconds?: number;
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
  port?: number;
  host?: string;
  region?: string;
  accountId?: string;
  /** Server clock: visibility, retention, delays, timestamps. Default Date.now. Long polls wait in real time. */
  now?: () => number;
  /** Created at start, in order (create dead-letter queues before the queues that name them). */
  queues?: Record<string, QueueOptions>;
  faults?: readonly SqsFault[];
  /** Upper bound on a long poll's real wait, whatever WaitTimeSeconds says. Default 20 000 ms. */
  maxLongPollMs?: number;
  /** How often a long poll re-checks the queue (catches visibility expiry on a manual clock). Default 20 ms. */
  pollIntervalMs?: number;
  /** Default 1 MiB, the SQS limit since 2025. */
  maxMessageBytes?: number;
  senderId?: string;
}

export interface StoredAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Uint8Array;
}

export interface PeekedMessage {
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
  /**
   * Settles a batch like the event source mapping with ReportBatchItemFailures: deletes every record not listed
   * in batchItemFailures; when the function threw (response undefined), deletes nothing. Returns deleted ids.
   */
  completeLambdaEvent(event: SQSEvent, response: SQSBatchResponse | undefined): string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Internals

interface QueueConfig {
  visibilityTimeout: number;
  delaySeconds: number;
  retentionSeconds: number;
  receiveWaitSeconds: number;
  maximumMessageSize: number;
  redrive?: { deadLetterTargetArn: string; maxReceiveCount: number };
  /** Attributes accepted but without behaviour here (Policy, KmsMasterKeyId...). */
  other: Record<string, string>;
}

interface StoredMessage {
  seq: number;
  messageId: string;
  body: string;
  md5OfBody: string;
  attributes: Record<string, StoredAttribute>;
  systemAttributes: Record<string, StoredAttribute>;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** The latest receipt handle and when it was issued; older handles are stale. */
  receiptHandle?: string;
  receivedAt?: number;
  deadLetterQueueSourceArn?: string;
}

interface QueueState {
  name: string;
  config: QueueConfig;
  createdAt: number;
  modifiedAt: number;
  messages: StoredMessage[];
}

const QUEUE_NAME = /^[a-zA-Z0-9_-]{1,80}$/;
const BATCH_ID = /^[a-zA-Z0-9_-]{1,80}$/;
const ATTRIBUTE_NAME = /^(?!aws\.|amazon\.)(?!.*\.\.)(?!\.)[a-zA-Z0-9_.-]{1,256}(?<!\.)$/i;
const VALID_BODY = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const MAX_VISIBILITY = 43_200;

const PASSIVE_QUEUE_ATTRIBUTES = new Set([
  'Policy',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
  'RedriveAllowPolicy',
]);

const QUEUE_ATTRIBUTE_NAMES = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'QueueArn',
  'VisibilityTimeout',
  'DelaySeconds',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'MaximumMessageSize',
  'RedrivePolicy',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  ...PASSIVE_QUEUE_ATTRIBUTES,
];

const md5 = (data: string | Uint8Array): string => createHash('md5').update(data).digest('hex');

/**
 * MD5 of message attributes as SQS computes it: attributes sorted by name; for each, length-prefixed (4-byte
 * big-endian) name, length-prefixed data type, a transport byte (1 string, 2 binary), length-prefixed value.
 */
export function md5OfMessageAttributes(attributes: Record<string, StoredAttribute>): string {
  const hash = createHash('md5');
  const put = (bytes: Uint8Array) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(bytes.length);
    hash.update(len).update(bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    const a = attributes[name];
    if (!a) continue;
    put(Buffer.from(name, 'utf8'));
    put(Buffer.from(a.DataType, 'utf8'));
    if (a.BinaryValue !== undefined) {
      hash.update(Buffer.from([2]));
      put(a.BinaryValue);
    } else {
      hash.update(Buffer.from([1]));
      put(Buffer.from(a.StringValue ?? '', 'utf8'));
    }
  }
  return hash.digest('hex');
}

function attributeSize(attributes: Record<string, StoredAttribute>): number {
  let size = 0;
  for (const [name, a] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(a.DataType);
    size += a.BinaryValue ? a.BinaryValue.length : Buffer.byteLength(a.StringValue ?? '');
  }
  return size;
}

const integer = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return undefined;
};

function intParam(name: string, v: unknown, min: number, max: number, reason?: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = integer(v);
  if (n === undefined || n < min || n > max) {
    throw new SqsError(
      'InvalidParameterValue',
      `Value ${String(v)} for parameter ${name} is invalid. Reason: ${reason ?? `Must be between ${min} and ${max}.`}`,
    );
  }
  return n;
}

function requireString(name: string, v: unknown): string {
  if (typeof v !== 'string' || v.length === 0) {
    throw new SqsError('MissingParameter', `The request must contain the parameter ${name}.`);
  }
  return v;
}

/** Parses MessageAttributes from a request (BinaryValue arrives base64 encoded). */
function parseMessageAttributes(raw: unknown): Record<string, StoredAttribute> {
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) throw new SqsError('InvalidParameterValue', 'MessageAttributes must be a map.');
  const names = Object.keys(raw);
  if (names.length > 10) {
    throw new SqsError(
      'InvalidParameterValue',
      `Number of message attributes [${names.length}] exceeds the allowed maximum [10].`,
    );
  }
  const out: Record<string, StoredAttribute> = {};
  for (const name of names) {
    const v = raw[name];
    if (!ATTRIBUTE_NAME.test(name)) {
      throw new SqsError('InvalidParameterValue', `Message attribute name '${name}' is invalid.`);
    }
    if (!isRecord(v) || typeof v.DataType !== 'string' || v.DataType.length === 0) {
      throw new SqsError(
        'InvalidParameterValue',
        `The message attribute '${name}' must contain non-empty message attribute type.`,
      );
    }
    const dataType = v.DataType;
    const base = dataType.split('.')[0];
    if (base !== 'String' && base !== 'Number' && base !== 'Binary') {
      throw new SqsError(
        'InvalidParameterValue',
        `The type of message attribute '${name}' is invalid. You must use only the following supported type ` +
          'prefixes: Binary, Number, String.',
      );
    }
    const missing = () =>
      new SqsError(
        'InvalidParameterValue',
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute ` +
          `type '${dataType}'.`,
      );
    if (base === 'Binary') {
      if (typeof v.BinaryValue !== 'string' || v.BinaryValue.length === 0) throw missing();
      out[name] = { DataType: dataType, BinaryValue: new Uint8Array(Buffer.from(v.BinaryValue, 'base64')) };
    } else {
      if (typeof v.StringValue !== 'string' || v.StringValue.length === 0) throw missing();
      if (base === 'Number' && !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(v.StringValue)) {
        throw new SqsError(
          'InvalidParameterValue',
          `Can't cast message attribute '${name}' value to a number.`,
        );
      }
      out[name] = { DataType: dataType, StringValue: v.StringValue };
    }
  }
  return out;
}

const attributeToWire = (a: StoredAttribute) =>
  a.BinaryValue !== undefined
    ? { DataType: a.DataType, BinaryValue: Buffer.from(a.BinaryValue).toString('base64') }
    : { DataType: a.DataType, StringValue: a.StringValue };

// ---------------------------------------------------------------------------------------------------------------
// The server

export async function startLocalSqs(options: LocalSqsOptions = {}): Promise<LocalSqs> {
  const region = options.region ?? 'eu-west-1';
  const accountId = options.accountId ?? '000000000000';
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? Date.now;
  const maxLongPollMs = options.maxLongPollMs ?? 20_000;
  const pollIntervalMs = options.pollIntervalMs ?? 20;
  const maxMessageBytes = options.maxMessageBytes ?? 1_048_576;
  const senderId = options.senderId ?? 'AIDAIENQZJOLO23YVJ4VO';

  const queues = new Map<string, QueueState>();
  const receipts = new Map<string, { queue: string; messageId: string }>();
  const requests: SqsRecordedRequest[] = [];
  let faults: SqsFault[] = [...(options.faults ?? [])];
  let faultHits = new Map<SqsFault, number>();
  let messageSeq = 0;
  let requestSeq = 0;
  let closing = false;
  let baseUrl = '';

  // Long polls wait on these; any change to a queue wakes them to look again.
  const waiters = new Map<string, Set<() => void>>();
  const wake = (queue: string) => {
    for (const w of waiters.get(queue) ?? []) w();
  };
  const pendingTimers = new Set<NodeJS.Timeout>();

  const arnOf = (name: string) => `arn:aws:sqs:${region}:${accountId}:${name}`;
  const urlOf = (name: string) => `${baseUrl}/${accountId}/${name}`;

  const getQueue = (name: string): QueueState => {
    const q = queues.get(name);
    if (!q) throw new SqsError('QueueDoesNotExist');
    return q;
  };

  /** The queue named by a QueueUrl: its last path segment, whatever the host. */
  const queueFromUrl = (raw: unknown): QueueState => {
    const url = requireString('QueueUrl', raw);
    let path: string;
    try {
      path = new URL(url).pathname;
    } catch {
      path = url;
    }
    const name = decodeURIComponent(path.split('/').filter(Boolean).at(-1) ?? '');
    if (!QUEUE_NAME.test(name))
      throw new SqsError('InvalidAddress', `The address ${url} is not valid for this endpoint.`);
    return getQueue(name);
  };

  const queueByArn = (arn: string): QueueState | undefined => {
    const name = arn.split(':').at(-1) ?? '';
    return arn === arnOf(name) ? queues.get(name) : undefined;
  };

  /** Drops messages past retention (counted from the original send, also in a DLQ, as SQS does). */
  const expire = (q: QueueState) => {
    const t = now();
    q.messages = q.messages.filter((m) => t - m.sentAt < q.config.retentionSeconds * 1000);
  };

  function parseQueueAttributes(raw: unknown, existing?: QueueConfig): QueueConfig {
    const c: QueueConfig = existing
      ? { ...existing, other: { ...existing.other } }
      : {
          visibilityTimeout: 30,
          delaySeconds: 0,
          retentionSeconds: 345_600,
          receiveWaitSeconds: 0,
          maximumMessageSize: maxMessageBytes,
          other: {},
        };
    if (raw === undefined || raw === null) return c;
    if (!isRecord(raw)) throw new SqsError('InvalidParameterValue', 'Attributes must be a map.');
    for (const [name, value] of Object.entries(raw)) {
      const v = String(value);
      switch (name) {
        case 'VisibilityTimeout':
          c.visibilityTimeout = intParam(name, v, 0, MAX_VISIBILITY) ?? c.visibilityTimeout;
          break;
        case 'DelaySeconds':
          c.delaySeconds = intParam(name, v, 0, 900) ?? c.delaySeconds;
          break;
        case 'MessageRetentionPeriod':
          c.retentionSeconds = intParam(name, v, 60, 1_209_600) ?? c.retentionSeconds;
          break;
        case 'ReceiveMessageWaitTimeSeconds':
          c.receiveWaitSeconds = intParam(name, v, 0, 20) ?? c.receiveWaitSeconds;
          break;
        case 'MaximumMessageSize':
          c.maximumMessageSize = intParam(name, v, 1024, maxMessageBytes) ?? c.maximumMessageSize;
          break;
        case 'RedrivePolicy': {
          if (v === '') {
            delete c.redrive;
            break;
          }
          const invalid = (reason: string) =>
            new SqsError(
              'InvalidParameterValue',
              `Value ${v} for parameter RedrivePolicy is invalid. Reason: ${reason}`,
            );
          let policy: unknown;
          try {
            policy = JSON.parse(v);
          } catch {
            throw invalid('Redrive policy is not a valid JSON map.');
          }
          if (!isRecord(policy) || typeof policy.deadLetterTargetArn !== 'string') {
            throw invalid('Redrive policy does not contain mandatory attribute: deadLetterTargetArn.');
          }
          const max = integer(policy.maxReceiveCount);
          if (max === undefined || max < 1 || max > 1000) {
            throw invalid('Invalid value for maxReceiveCount: must be an integer from 1 to 1000.');
          }
          if (!queueByArn(policy.deadLetterTargetArn)) throw invalid('Dead letter target does not exist.');
          c.redrive = { deadLetterTargetArn: policy.deadLetterTargetArn, maxReceiveCount: max };
          break;
        }
        default:
          if (name === 'FifoQueue' || name === 'ContentBasedDeduplication') {
            throw new SqsError('InvalidParameterValue', 'FIFO queues are not supported by the local SQS.');
          }
          if (!PASSIVE_QUEUE_ATTRIBUTES.has(name))
            throw new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
          c.other[name] = v;
      }
    }
    return c;
  }

  function createQueue(name: string, rawAttributes: unknown): QueueState {
    if (name.endsWith('.fifo'))
      throw new SqsError('InvalidParameterValue', 'FIFO queues are not supported by the local SQS.');
    if (!QUEUE_NAME.test(name)) {
      throw new SqsError(
        'InvalidParameterValue',
        `Value ${name} for parameter QueueName is invalid. Reason: Can only include alphanumeric characters, ` +
          'hyphens, or underscores. 1 to 80 in length.',
      );
    }
    const config = parseQueueAttributes(rawAttributes);
    const existing = queues.get(name);
    if (existing) {
      const a = queueAttributes(existing, ['All']);
      const b = queueAttributes({ ...existing, config }, ['All']);
      for (const key of Object.keys(isRecord(rawAttributes) ? rawAttributes : {})) {
        if (a[key] !== b[key]) {
          throw new SqsError(
            'QueueNameExists',
            `A queue already exists with the same name and a different value for attribute ${key}`,
          );
        }
      }
      return existing;
    }
    const t = now();
    const q: QueueState = { name, config, createdAt: t, modifiedAt: t, messages: [] };
    queues.set(name, q);
    return q;
  }

  function queueAttributes(q: QueueState, names: readonly string[]): Record<string, string> {
    const t = now();
    const wanted = names.includes('All') ? QUEUE_ATTRIBUTE_NAMES : names;
    const out: Record<string, string> = {};
    for (const name of wanted) {
      switch (name) {
        case 'ApproximateNumberOfMessages':
          out[name] = String(q.messages.filter((m) => m.visibleAt <= t).length);
          break;
        case 'ApproximateNumberOfMessagesNotVisible':
          out[name] = String(q.messages.filter((m) => m.visibleAt > t && m.receiveCount > 0).length);
          break;
        case 'ApproximateNumberOfMessagesDelayed':
          out[name] = String(q.messages.filter((m) => m.visibleAt > t && m.receiveCount === 0).length);
          break;
        case 'QueueArn':
          out[name] = arnOf(q.name);
          break;
        case 'VisibilityTimeout':
          out[name] = String(q.config.visibilityTimeout);
          break;
        case 'DelaySeconds':
          out[name] = String(q.config.delaySeconds);
          break;
        case 'MessageRetentionPeriod':
          out[name] = String(q.config.retentionSeconds);
          break;
        case 'ReceiveMessageWaitTimeSeconds':
          out[name] = String(q.config.receiveWaitSeconds);
          break;
        case 'MaximumMessageSize':
          out[name] = String(q.config.maximumMessageSize);
          break;
        case 'RedrivePolicy':
          if (q.config.redrive) out[name] = JSON.stringify(q.config.redrive);
          break;
        case 'CreatedTimestamp':
          out[name] = String(Math.floor(q.createdAt / 1000));
          break;
        case 'LastModifiedTimestamp':
          out[name] = String(Math.floor(q.modifiedAt / 1000));
          break;
        default: {
          if (!QUEUE_ATTRIBUTE_NAMES.includes(name))
            throw new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
          const v = q.config.other[name];
          if (v !== undefined) out[name] = v;
        }
      }
    }
    return out;
  }

  /** Validates and enqueues one message; returns the SendMessage result fields. */
  function enqueue(q: QueueState, entry: Record<string, unknown>) {
    const body = requireString('MessageBody', entry.MessageBody);
    const bad = VALID_BODY.exec(body);
    if (bad) {
      const code = bad[0].codePointAt(0)?.toString(16).toUpperCase() ?? '?';
      throw new SqsError(
        'InvalidMessageContents',
        `Invalid binary character '#x${code}' was found in the message body, the set of allowed characters is ` +
          '#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
      );
    }
    const delay = intParam(
      'DelaySeconds',
      entry.DelaySeconds,
      0,
      900,
      'DelaySeconds must be >= 0 and <= 900.',
    );
    const attributes = parseMessageAttributes(entry.MessageAttributes);
    const systemAttributes = parseMessageAttributes(entry.MessageSystemAttributes);
    const size = Buffer.byteLength(body) + attributeSize(attributes);
    if (size > q.config.maximumMessageSize) {
      throw new SqsError(
        'InvalidParameterValue',
        `One or more parameters are invalid. Reason: Message must be shorter than ${q.config.maximumMessageSize} bytes.`,
      );
    }
    const t = now();
    const m: StoredMessage = {
      seq: ++messageSeq,
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
    wake(q.name);
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

  interface ReceiveParams {
    max: number;
    visibility: number;
    systemNames: string[];
    attributeNames: string[];
  }

  /** Takes up to `max` visible messages, applying the redrive policy first as SQS does on receive. */
  function collect(q: QueueState, p: ReceiveParams) {
    expire(q);
    const t = now();
    const taken: StoredMessage[] = [];
    const redrive = q.config.redrive;
    for (const m of [...q.messages]) {
      if (taken.length >= p.max) break;
      if (m.visibleAt > t) continue;
      if (redrive && m.receiveCount >= redrive.maxReceiveCount) {
        const dlq = queueByArn(redrive.deadLetterTargetArn);
        if (dlq) {
          q.messages = q.messages.filter((x) => x !== m);
          delete m.receiptHandle;
          delete m.receivedAt;
          m.visibleAt = t;
          m.deadLetterQueueSourceArn = arnOf(q.name);
          dlq.messages.push(m);
          wake(dlq.name);
          continue;
        }
      }
      m.receiveCount += 1;
      m.firstReceivedAt ??= t;
      m.receivedAt = t;
      m.visibleAt = t + p.visibility * 1000;
      m.receiptHandle = `${Buffer.from(`${q.name}/${m.messageId}/${m.receiveCount}`).toString('base64url')}.${randomBytes(24).toString('base64url')}`;
      receipts.set(m.receiptHandle, { queue: q.name, messageId: m.messageId });
      taken.push(m);
    }
    return taken.map((m) => toWireMessage(q, m, p));
  }

  function systemAttributesOf(m: StoredMessage): Record<string, string> {
    const out: Record<string, string> = {
      SenderId: senderId,
      SentTimestamp: String(m.sentAt),
      ApproximateReceiveCount: String(m.receiveCount),
      ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
    };
    const trace = m.systemAttributes.AWSTraceHeader?.StringValue;
    if (trace !== undefined) out.AWSTraceHeader = trace;
    if (m.deadLetterQueueSourceArn) out.DeadLetterQueueSourceArn = m.deadLetterQueueSourceArn;
    return out;
  }

  function toWireMessage(_q: QueueState, m: StoredMessage, p: ReceiveParams) {
    const system = systemAttributesOf(m);
    const attrs: Record<string, string> = {};
    for (const name of Object.keys(system)) {
      if (p.systemNames.includes('All') || p.systemNames.includes(name)) attrs[name] = system[name] ?? '';
    }
    const selected: Record<string, StoredAttribute> = {};
    for (const [name, a] of Object.entries(m.attributes)) {
      const match = p.attributeNames.some(
        (w) =>
          w === 'All' || w === '.*' || w === name || (w.endsWith('.*') && name.startsWith(w.slice(0, -1))),
      );
      if (match) selected[name] = a;
    }
    const hasAttrs = Object.keys(selected).length > 0;
    return {
      MessageId: m.messageId,
      ReceiptHandle: m.receiptHandle,
      MD5OfBody: m.md5OfBody,
      Body: m.body,
      ...(Object.keys(attrs).length > 0 ? { Attributes: attrs } : {}),
      ...(hasAttrs
        ? {
            MD5OfMessageAttributes: md5OfMessageAttributes(selected),
            MessageAttributes: Object.fromEntries(
              Object.entries(selected).map(([k, a]) => [k, attributeToWire(a)]),
            ),
          }
        : {}),
    };
  }

  const stringList = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x) => typeof x === 'string') : [];

  function receiveParams(
    q: QueueState,
    body: Record<string, unknown>,
  ): ReceiveParams & { waitSeconds: number } {
    return {
      max:
        intParam(
          'MaxNumberOfMessages',
          body.MaxNumberOfMessages,
          1,
          10,
          'Must be between 1 and 10, if provided.',
        ) ?? 1,
      visibility:
        intParam('VisibilityTimeout', body.VisibilityTimeout, 0, MAX_VISIBILITY) ??
        q.config.visibilityTimeout,
      waitSeconds:
        intParam('WaitTimeSeconds', body.WaitTimeSeconds, 0, 20, 'Must be >= 0 and <= 20, if provided.') ??
        q.config.receiveWaitSeconds,
      systemNames: [...stringList(body.AttributeNames), ...stringList(body.MessageSystemAttributeNames)],
      attributeNames: stringList(body.MessageAttributeNames),
    };
  }

  async function receive(q: QueueState, body: Record<string, unknown>, res: ServerResponse) {
    const p = receiveParams(q, body);
    const deadline = Date.now() + Math.min(p.waitSeconds * 1000, maxLongPollMs);
    for (;;) {
      // A client that went away must not take messages into a dead connection.
      if (res.destroyed) return { Messages: [] };
      const messages = collect(q, p);
      if (messages.length > 0 || closing || Date.now() >= deadline) {
        return messages.length > 0 ? { Messages: messages } : {};
      }
      await waitForChange(q.name, Math.min(pollIntervalMs, deadline - Date.now()));
    }
  }

  const waitForChange = (queue: string, ms: number) =>
    new Promise<void>((resolve) => {
      const set = waiters.get(queue) ?? new Set();
      waiters.set(queue, set);
      const done = () => {
        clearTimeout(timer);
        pendingTimers.delete(timer);
        set.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, ms));
      pendingTimers.add(timer);
      set.add(done);
    });

  /** Resolves a receipt handle to its message, or says why it cannot. */
  function lookup(q: QueueState, raw: unknown) {
    const handle = requireString('ReceiptHandle', raw);
    const known = receipts.get(handle);
    if (!known || known.queue !== q.name) {
      throw new SqsError(
        'ReceiptHandleIsInvalid',
        `The input receipt handle "${handle}" is not a valid receipt handle.`,
      );
    }
    const message = q.messages.find((m) => m.messageId === known.messageId);
    return { handle, message, stale: message !== undefined && message.receiptHandle !== handle };
  }

  function deleteOne(q: QueueState, raw: unknown, notes: string[]) {
    const { message, stale } = lookup(q, raw);
    if (!message) return; // already deleted (or moved to the DLQ): SQS answers success
    // SQS documents that deleting with an outdated handle "succeeds, but the message might not be deleted".
    if (stale) {
      notes.push(`stale receipt handle for ${message.messageId}: not deleted`);
      return;
    }
    // The handle stays known: deleting the same message again succeeds, as in SQS.
    q.messages = q.messages.filter((m) => m !== message);
  }

  function changeVisibility(q: QueueState, rawHandle: unknown, rawTimeout: unknown) {
    const { handle, message, stale } = lookup(q, rawHandle);
    if (rawTimeout === undefined || rawTimeout === null) {
      throw new SqsError('MissingParameter', 'The request must contain the parameter VisibilityTimeout.');
    }
    const timeout = intParam('VisibilityTimeout', rawTimeout, 0, MAX_VISIBILITY) ?? 0;
    if (!message || stale) {
      throw new SqsError(
        'ReceiptHandleIsInvalid',
        `The receipt handle "${handle}" is no longer valid: the message was ${message ? 'received again' : 'deleted'}.`,
      );
    }
    const t = now();
    if (message.visibleAt <= t) {
      throw new SqsError(
        'MessageNotInflight',
        `Message ${message.messageId} is not in flight (its visibility timeout expired).`,
      );
    }
    if (t + timeout * 1000 > (message.receivedAt ?? t) + MAX_VISIBILITY * 1000) {
      throw new SqsError(
        'InvalidParameterValue',
        `Value ${timeout} for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the ` +
          `message is beyond the limit [${MAX_VISIBILITY} seconds]`,
      );
    }
    message.visibleAt = t + timeout * 1000;
    if (timeout === 0) wake(q.name);
  }

  /** Runs a batch: request-level checks, then each entry on its own (failures become Failed entries). */
  function batch(
    entries: unknown,
    kind: string,
    each: (entry: Record<string, unknown>) => Record<string, unknown>,
  ): { Successful: Record<string, unknown>[]; Failed: Record<string, unknown>[] } {
    if (!Array.isArray(entries) || entries.length === 0) {
      throw new SqsError('EmptyBatchRequest', `There should be at least one ${kind} in the request.`);
    }
    if (entries.length > 10) {
      throw new SqsError(
        'TooManyEntriesInBatchRequest',
        `Maximum number of entries per request are 10. You have sent ${entries.length}.`,
      );
    }
    const ids = new Set<string>();
    for (const e of entries) {
      const id = isRecord(e) ? e.Id : undefined;
      if (typeof id !== 'string' || !BATCH_ID.test(id)) {
        throw new SqsError(
          'InvalidBatchEntryId',
          'A batch entry id can only contain alphanumeric characters, hyphens and underscores. ' +
            'It can be at most 80 letters long.',
        );
      }
      if (ids.has(id)) throw new SqsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
      ids.add(id);
    }
    const Successful: Record<string, unknown>[] = [];
    const Failed: Record<string, unknown>[] = [];
    for (const e of entries as Record<string, unknown>[]) {
      try {
        Successful.push({ Id: e.Id, ...each(e) });
      } catch (caught) {
        if (!(caught instanceof SqsError)) throw caught;
        Failed.push({
          Id: e.Id,
          SenderFault: caught.spec.fault === 'Sender',
          Code: caught.spec.queryCode,
          Message: caught.message,
        });
      }
    }
    return { Successful, Failed };
  }

  function checkFaults(operation: SqsOperation, queue: string | undefined) {
    if (queue === undefined) return;
    for (const f of faults) {
      const ops = f.operations ?? ['SendMessage', 'SendMessageBatch'];
      if (f.queue !== queue || !ops.includes(operation)) continue;
      const hits = faultHits.get(f) ?? 0;
      if (f.times !== undefined && hits >= f.times) continue;
      faultHits.set(f, hits + 1);
      throw new SqsError(f.error);
    }
  }

  async function dispatch(
    operation: SqsOperation,
    body: Record<string, unknown>,
    rec: SqsRecordedRequest,
    res: ServerResponse,
  ) {
    const queueName = () => requireString('QueueName', body.QueueName);
    // Resolve the queue first so that faults and records name it.
    let q: QueueState | undefined;
    if (operation !== 'CreateQueue' && operation !== 'GetQueueUrl' && operation !== 'ListQueues') {
      q = queueFromUrl(body.QueueUrl);
      rec.queue = q.name;
      expire(q);
    } else if (typeof body.QueueName === 'string') {
      rec.queue = body.QueueName;
    }
    checkFaults(operation, rec.queue);
    switch (operation) {
      case 'SendMessage':
        return enqueue(q as QueueState, body);
      case 'SendMessageBatch': {
        const queue = q as QueueState;
        const total = (Array.isArray(body.Entries) ? body.Entries : []).reduce<number>(
          (n, e) =>
            n + (isRecord(e) && typeof e.MessageBody === 'string' ? Buffer.byteLength(e.MessageBody) : 0),
          0,
        );
        if (total > queue.config.maximumMessageSize) {
          throw new SqsError(
            'BatchRequestTooLong',
            `Batch requests cannot be longer than ${queue.config.maximumMessageSize} bytes. You have sent ${total} bytes.`,
          );
        }
        return batch(body.Entries, 'SendMessageBatchRequestEntry', (e) => enqueue(queue, e));
      }
      case 'ReceiveMessage':
        return receive(q as QueueState, body, res);
      case 'DeleteMessage':
        deleteOne(q as QueueState, body.ReceiptHandle, rec.notes);
        return {};
      case 'DeleteMessageBatch':
        return batch(body.Entries, 'DeleteMessageBatchRequestEntry', (e) => {
          deleteOne(q as QueueState, e.ReceiptHandle, rec.notes);
          return {};
        });
      case 'ChangeMessageVisibility':
        changeVisibility(q as QueueState, body.ReceiptHandle, body.VisibilityTimeout);
        return {};
      case 'ChangeMessageVisibilityBatch':
        return batch(body.Entries, 'ChangeMessageVisibilityBatchRequestEntry', (e) => {
          changeVisibility(q as QueueState, e.ReceiptHandle, e.VisibilityTimeout);
          return {};
        });
      case 'GetQueueAttributes': {
        const attributes = queueAttributes(q as QueueState, stringList(body.AttributeNames));
        return Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
      }
      case 'SetQueueAttributes': {
        const queue = q as QueueState;
        queue.config = parseQueueAttributes(body.Attributes, queue.config);
        queue.modifiedAt = now();
        wake(queue.name);
        return {};
      }
      case 'CreateQueue':
        return { QueueUrl: urlOf(createQueue(queueName(), body.Attributes).name) };
      case 'GetQueueUrl':
        return { QueueUrl: urlOf(getQueue(queueName()).name) };
      case 'ListQueues': {
        const prefix = typeof body.QueueNamePrefix === 'string' ? body.QueueNamePrefix : '';
        return { QueueUrls: [...queues.keys()].filter((n) => n.startsWith(prefix)).map(urlOf) };
      }
      case 'PurgeQueue':
        (q as QueueState).messages = [];
        return {};
    }
  }

  const respond = (
    res: ServerResponse,
    rec: SqsRecordedRequest,
    status: number,
    payload: unknown,
    error?: SqsError,
  ) => {
    rec.status = status;
    rec.respondedAt = now();
    if (error) {
      rec.errorCode = error.spec.queryCode;
      rec.errorMessage = error.message;
    }
    if (res.destroyed) return;
    const body = JSON.stringify(payload);
    const headers: Record<string, string | number> = {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': Buffer.byteLength(body),
      'x-amzn-requestid': randomUUID(),
    };
    if (error) headers['x-amzn-query-error'] = `${error.spec.queryCode};${error.spec.fault}`;
    res.writeHead(status, headers).end(body);
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const raw = await readBody(req, 2 * maxMessageBytes + 65_536);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('AmazonSQS.') ? target.slice('AmazonSQS.'.length) : target;
    const rec: SqsRecordedRequest = {
      seq: ++requestSeq,
      operation,
      body: undefined,
      notes: [],
      receivedAt: now(),
    };
    requests.push(rec);
    try {
      let body: unknown;
      try {
        body = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
      } catch {
        throw new SqsError('SerializationException', 'The request body is not valid JSON.');
      }
      rec.body = body;
      if (req.method !== 'POST' || !OPERATIONS.has(operation)) {
        throw new SqsError(
          'UnknownOperation',
          `Unknown or unsupported operation '${target}' (${req.method} ${req.url}).`,
        );
      }
      if (!isRecord(body))
        throw new SqsError('SerializationException', 'The request body must be a JSON object.');
      const out = await dispatch(operation as SqsOperation, body, rec, res);
      respond(res, rec, 200, out);
    } catch (e) {
      const error = e instanceof SqsError ? e : new SqsError('InternalError', String(e));
      respond(
        res,
        rec,
        error.spec.status,
        { __type: `com.amazonaws.sqs#${error.spec.shape}`, message: error.message },
        error,
      );
    }
  }

  const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent && !res.destroyed) res.writeHead(500).end(String(e));
    });
  });
  const port = await listen(server, options.port ?? 0, host);
  baseUrl = `http://${host}:${port}`;

  const addQueue = (name: string, o: QueueOptions = {}) => {
    const attributes: Record<string, string> = {};
    if (o.visibilityTimeoutSeconds !== undefined)
      attributes.VisibilityTimeout = String(o.visibilityTimeoutSeconds);
    if (o.delaySeconds !== undefined) attributes.DelaySeconds = String(o.delaySeconds);
    if (o.messageRetentionSeconds !== undefined)
      attributes.MessageRetentionPeriod = String(o.messageRetentionSeconds);
    if (o.receiveWaitTimeSeconds !== undefined)
      attributes.ReceiveMessageWaitTimeSeconds = String(o.receiveWaitTimeSeconds);
    if (o.redrive) {
      const dlq = o.redrive.deadLetterQueue;
      attributes.RedrivePolicy = JSON.stringify({
        deadLetterTargetArn: dlq.startsWith('arn:') ? dlq : arnOf(dlq),
        maxReceiveCount: o.redrive.maxReceiveCount,
      });
    }
    try {
      const q = createQueue(name, attributes);
      return { url: urlOf(q.name), arn: arnOf(q.name) };
    } catch (e) {
      throw e instanceof SqsError ? new Error(`createQueue(${name}): ${e.message}`) : e;
    }
  };
  for (const [name, o] of Object.entries(options.queues ?? {})) addQueue(name, o);

  const mustGet = (name: string) => {
    const q = queues.get(name);
    if (!q) throw new Error(`no local queue named ${name}`);
    return q;
  };

  return {
    url: baseUrl,
    port,
    region,
    accountId,
    requests,
    async close() {
      closing = true;
      for (const set of waiters.values()) for (const w of [...set]) w();
      for (const timer of pendingTimers) clearTimeout(timer);
      await closeServer(server);
    },
    createQueue: addQueue,
    queueUrl: (name) => urlOf(name),
    queueArn: (name) => arnOf(name),
    awsStyleQueueUrl: (name) => `https://sqs.${region}.amazonaws.com/${accountId}/${name}`,
    peek(name) {
      const q = mustGet(name);
      expire(q);
      const t = now();
      return q.messages.map((m) => ({
        messageId: m.messageId,
        body: m.body,
        messageAttributes: structuredClone(m.attributes),
        receiveCount: m.receiveCount,
        sentAt: m.sentAt,
        visibleAt: m.visibleAt,
        inFlight: m.visibleAt > t && m.receiveCount > 0,
        delayed: m.visibleAt > t && m.receiveCount === 0,
        ...(m.firstReceivedAt === undefined ? {} : { firstReceivedAt: m.firstReceivedAt }),
        ...(m.deadLetterQueueSourceArn === undefined
          ? {}
          : { deadLetterQueueSourceArn: m.deadLetterQueueSourceArn }),
      }));
    },
    send(name, body, attributes = {}) {
      const wire = Object.fromEntries(Object.entries(attributes).map(([k, a]) => [k, attributeToWire(a)]));
      return enqueue(mustGet(name), { MessageBody: body, MessageAttributes: wire }).MessageId;
    },
    purge(name) {
      mustGet(name).messages = [];
    },
    setFaults(next) {
      faults = [...next];
      faultHits = new Map();
    },
    failSends(queue, error = 'InternalError', times) {
      faults = [...faults, { queue, error, ...(times === undefined ? {} : { times }) }];
    },
    clearFaults() {
      faults = [];
      faultHits = new Map();
    },
    countsByOperation() {
      const counts: Record<string, number> = {};
      for (const r of requests) counts[r.operation] = (counts[r.operation] ?? 0) + 1;
      return counts;
    },
    receiveLambdaEvent(name, o = {}) {
      const q = mustGet(name);
      const params: ReceiveParams = {
        max: o.batchSize ?? 10,
        visibility: o.visibilityTimeoutSeconds ?? q.config.visibilityTimeout,
        systemNames: ['All'],
        attributeNames: ['All'],
      };
      const Records = collect(q, params).map((m): SQSRecord => {
        const messageAttributes: SQSMessageAttributes = {};
        for (const [k, a] of Object.entries(m.MessageAttributes ?? {})) {
          messageAttributes[k] = {
            dataType: a.DataType,
            ...(a.StringValue === undefined ? {} : { stringValue: a.StringValue }),
            ...('BinaryValue' in a && a.BinaryValue !== undefined ? { binaryValue: a.BinaryValue } : {}),
            stringListValues: [],
            binaryListValues: [],
          };
        }
        const attrs = m.Attributes ?? {};
        return {
          messageId: m.MessageId,
          receiptHandle: m.ReceiptHandle ?? '',
          body: m.Body,
          attributes: {
            ApproximateReceiveCount: attrs.ApproximateReceiveCount ?? '1',
            SentTimestamp: attrs.SentTimestamp ?? '',
            SenderId: attrs.SenderId ?? senderId,
            ApproximateFirstReceiveTimestamp: attrs.ApproximateFirstReceiveTimestamp ?? '',
            ...(attrs.AWSTraceHeader === undefined ? {} : { AWSTraceHeader: attrs.AWSTraceHeader }),
            ...(attrs.DeadLetterQueueSourceArn === undefined
              ? {}
              : { DeadLetterQueueSourceArn: attrs.DeadLetterQueueSourceArn }),
          },
          messageAttributes,
          md5OfBody: m.MD5OfBody,
          ...(m.MD5OfMessageAttributes === undefined
            ? {}
            : { md5OfMessageAttributes: m.MD5OfMessageAttributes }),
          eventSource: 'aws:sqs',
          eventSourceARN: arnOf(q.name),
          awsRegion: region,
        };
      });
      return { Records };
    },
    completeLambdaEvent(event, response) {
      if (response === undefined) return [];
      // Lambda treats a response naming an unknown or empty itemIdentifier as a failure of the whole batch.
      const ids = new Set(event.Records.map((r) => r.messageId));
      const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      if ([...failed].some((id) => !id || !ids.has(id))) return [];
      const deleted: string[] = [];
      for (const record of event.Records) {
        if (failed.has(record.messageId)) continue;
        const q = mustGet(record.eventSourceARN.split(':').at(-1) ?? '');
        const notes: string[] = [];
        try {
          deleteOne(q, record.receiptHandle, notes);
          if (notes.length === 0) deleted.push(record.messageId);
        } catch {
          // An invalid handle means the message is already gone; the event source mapping shrugs too.
        }
      }
      return deleted;
    },
  };
}
