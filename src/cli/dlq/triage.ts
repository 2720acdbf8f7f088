/**
 * What a dead letter says about itself, without I/O: its reason, the event it carries, and the collapsing of
 * copies of one failure into one dead letter. Four kinds of message reach the DLQ: the worker's own (the reason in
 * String attributes, src/queues/dead-letter-attributes.ts), EventBridge's undeliverable events (ERROR_CODE,
 * ERROR_MESSAGE), Lambda's on-failure records in the direct wiring (JSON with requestPayload, responsePayload),
 * and messages the source queue's redrive policy moved after maxReceiveCount receives (no reason at all).
 */
import { createHash } from 'node:crypto';

/** A message as read from the DLQ. */
export interface ReceivedMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  /** The String message attributes. */
  readonly attributes: Readonly<Record<string, string>>;
  /** SentTimestamp: the original enqueue time, from which SQS counts retention, also after a redrive-policy move. */
  readonly sentAt: number;
  /** DeadLetterQueueSourceArn: the queue whose redrive policy moved the message here. */
  readonly movedFrom?: string | undefined;
}

type ReasonKind = 'worker' | 'eventbridge' | 'lambda' | 'redrive-policy' | 'unknown';

export interface Reason {
  readonly kind: ReasonKind;
  readonly name: string;
  /** Ids, numbers and times replaced by placeholders, so that failures alike group together. */
  readonly message: string;
  /** Short and stable (a hash of kind, name and message): what `--reason` takes besides a name. */
  readonly id: string;
}

/** One failure: the copies of a message (same SourceMessageId) collapsed into one. */
export interface DeadLetter {
  readonly reason: Reason;
  readonly domain: string | undefined;
  readonly detailType: string | undefined;
  readonly assetId: string | undefined;
  /** What goes back to the source queue: the EventBridge event (a Lambda record's requestPayload). */
  readonly event: string;
  /** The oldest copy's SentTimestamp. */
  readonly sentAt: number;
  /** The copy whose reason is shown first, then the others. */
  readonly copies: readonly [ReceivedMessage, ...ReceivedMessage[]];
}

const MAX_NORMALISED_LENGTH = 200;

/** Longest first: an ARN or a UUID contains what the later patterns would replace. */
const PLACEHOLDERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\barn:[^\s"',;)\]]+/g, '<arn>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?/g, '<time>'],
  [/\bdzd[-_][a-z0-9_-]+/gi, '<domain>'],
  // DataZone's asset, project and run ids, tokens, hashes: lower case letters and digits mixed, 8 or more (an
  // upper case letter makes it a name, such as S3ObjectCollection).
  [/\b(?=[a-z0-9_-]*\d)(?=[a-z0-9_-]*[a-z])[a-z0-9_-]{8,}\b/g, '<id>'],
  [/\b\d+(\.\d+)?\b/g, '<n>'],
];

/** The message of a failure without what differs from one event to the next. */
export function normaliseErrorMessage(message: string): string {
  let normalised = message;
  for (const [pattern, placeholder] of PLACEHOLDERS) normalised = normalised.replace(pattern, placeholder);
  normalised = normalised.replace(/\s+/g, ' ').trim();
  const points = [...normalised];
  return points.length > MAX_NORMALISED_LENGTH
    ? `${points.slice(0, MAX_NORMALISED_LENGTH).join('')}…`
    : normalised;
}

function reason(kind: ReasonKind, name: string, message: string): Reason {
  const normalised = normaliseErrorMessage(message);
  const hash = createHash('sha256').update(`${kind}\n${name}\n${normalised}`).digest('hex');
  return { kind, name, message: normalised, id: `r${hash.slice(0, 6)}` };
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const stringAt = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function parseObject(text: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Lambda's on-failure destination record: the invocation's event and how it ended. */
function lambdaRecordOf(body: Json | undefined): Json | undefined {
  return body !== undefined && isObject(body.requestContext) && 'requestPayload' in body ? body : undefined;
}

function reasonOf(message: ReceivedMessage, lambdaRecord: Json | undefined): Reason {
  const { attributes } = message;
  if (attributes.ErrorName !== undefined) {
    return reason('worker', attributes.ErrorName, attributes.ErrorMessage ?? '');
  }
  if (attributes.ERROR_CODE !== undefined) {
    return reason('eventbridge', attributes.ERROR_CODE, attributes.ERROR_MESSAGE ?? '');
  }
  if (lambdaRecord !== undefined) {
    const response = isObject(lambdaRecord.responsePayload) ? lambdaRecord.responsePayload : {};
    const context = isObject(lambdaRecord.requestContext) ? lambdaRecord.requestContext : {};
    const condition = stringAt(context.condition) ?? 'unknown condition';
    return reason(
      'lambda',
      stringAt(response.errorType) ?? condition,
      stringAt(response.errorMessage) ?? `Lambda gave up on the event: ${condition}`,
    );
  }
  if (message.movedFrom !== undefined) {
    return reason('redrive-policy', 'MovedByRedrivePolicy', 'moved by the redrive policy, no reason');
  }
  return reason('unknown', 'NoReason', 'no reason recorded');
}

/** Which copy speaks for a dead letter: the one with the most to say. */
const KIND_ORDER: readonly ReasonKind[] = ['worker', 'eventbridge', 'lambda', 'redrive-policy', 'unknown'];

/** The same failure sent twice shares a SourceMessageId; the worker writes "unknown" when it has none. */
function collapseKey(message: ReceivedMessage): string {
  const source = message.attributes.SourceMessageId;
  return source !== undefined && source !== 'unknown' ? source : message.messageId;
}

function describe(message: ReceivedMessage): Omit<DeadLetter, 'sentAt' | 'copies'> {
  const body = parseObject(message.body);
  const lambdaRecord = lambdaRecordOf(body);
  const payload = lambdaRecord?.requestPayload;
  const event = lambdaRecord === undefined ? body : isObject(payload) ? payload : undefined;
  const detail = isObject(event?.detail) ? event.detail : {};
  const metadata = isObject(detail.metadata) ? detail.metadata : {};
  const data = isObject(detail.data) ? detail.data : {};
  return {
    reason: reasonOf(message, lambdaRecord),
    domain: stringAt(metadata.domain),
    detailType: stringAt(event?.['detail-type']) ?? message.attributes.DetailType,
    assetId: stringAt(data.assetId) ?? stringAt(metadata.id),
    event:
      lambdaRecord === undefined
        ? message.body
        : typeof payload === 'string'
          ? payload
          : JSON.stringify(payload ?? null),
  };
}

type Described = Omit<DeadLetter, 'sentAt' | 'copies'> & { readonly message: ReceivedMessage };

/** The DLQ's messages as failures: copies collapsed, oldest first. */
export function collapse(messages: readonly ReceivedMessage[]): DeadLetter[] {
  const described = messages.map((message) => ({ message, ...describe(message) }));
  const byKey = Map.groupBy(described, ({ message }) => collapseKey(message));
  const deadLetters: DeadLetter[] = [];
  for (const copies of byKey.values()) {
    // Map.groupBy makes no empty group: each has a first copy.
    const [first, ...others] = copies.toSorted(
      (a, b) =>
        KIND_ORDER.indexOf(a.reason.kind) - KIND_ORDER.indexOf(b.reason.kind) ||
        a.message.sentAt - b.message.sentAt,
    ) as [Described, ...Described[]];
    const { message, ...facts } = first;
    deadLetters.push({
      ...facts,
      sentAt: Math.min(...copies.map((copy) => copy.message.sentAt)),
      copies: [message, ...others.map((copy) => copy.message)],
    });
  }
  return deadLetters.sort((a, b) => a.sentAt - b.sentAt);
}

/** What to act on: a reason (its id or its name), an asset, both, or everything. */
export type Selection = { readonly all: true } | { readonly reason?: string; readonly asset?: string };

function matchesReason(candidate: Reason, query: string): boolean {
  return candidate.id === query || candidate.name.toLowerCase() === query.toLowerCase();
}

export function select(deadLetters: readonly DeadLetter[], selection: Selection): DeadLetter[] {
  // Stryker disable next-line StringLiteral: with neither reason nor asset, the filter below keeps everything too
  if ('all' in selection) return [...deadLetters];
  const { reason: wanted, asset } = selection;
  return deadLetters.filter(
    (deadLetter) =>
      (wanted === undefined || matchesReason(deadLetter.reason, wanted)) &&
      (asset === undefined || deadLetter.assetId === asset),
  );
}
