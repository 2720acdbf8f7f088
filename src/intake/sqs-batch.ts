/**
 * An SQS batch: records run concurrently under a bound, each to an outcome; then the outcomes are reported as
 * `batchItemFailures`, visibility backoffs and (already, per record) dead-letter sends.
 *
 * Two batch-wide rules:
 * - once a call is throttled or hits the quota, records that have not called the API yet are handed back with
 *   backoff instead of calling it (BatchBreaker);
 * - records not finished when the invocation's deadline passes are handed back instead of being cut off.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import pLimit from 'p-limit';
import { type Parsed, parseEnvelopeJson } from '../core/asset-event.js';
import { visibilityTimeoutSeconds } from '../core/backoff.js';
import { type BackoffSchedule, classifyError, type RecordOutcome, type RetryCause } from '../core/outcome.js';
import { BatchBreaker } from '../datazone/batch-breaker.js';
import type { StartedRun } from '../datazone/client.js';
import { deadLetterIfPermanent } from '../pipeline/dead-letter.js';
import { type EventProcessingDeps, processParsedEnvelope } from '../pipeline/process-event.js';
import { type QueuePort, queueUrlFromArn, type VisibilityChange } from '../queues/sqs.js';
import type { WorkerConfig } from '../runtime/config.js';
import type { InvocationDeadline } from '../runtime/deadline.js';
import type { OutcomeReporter, RecordContext } from '../runtime/observability.js';

export interface SqsBatchDeps extends Omit<EventProcessingDeps, 'startsInBatch' | 'config'> {
  readonly config: EventProcessingDeps['config'] &
    Pick<WorkerConfig, 'recordConcurrency' | 'retryBackoff' | 'quotaBackoff'>;
  readonly queues: QueuePort;
  readonly reporter: OutcomeReporter;
  readonly deadline: InvocationDeadline;
  /** Jitter source: Math.random unless a test fixes it. */
  readonly random?: () => number;
}

/** A record's outcome, already logged and counted, with the visibility it goes back with when retried. */
interface Finished {
  readonly record: SQSRecord;
  readonly outcome: RecordOutcome;
  readonly context: RecordContext;
  readonly timeoutSeconds: number | undefined;
}

export async function processSqsBatch(event: SQSEvent, deps: SqsBatchDeps): Promise<SQSBatchResponse> {
  const limit = pLimit(deps.config.recordConcurrency);
  const startsInBatch = new Map<string, Promise<StartedRun>>();
  const datazone = new BatchBreaker(deps.datazone);
  /** Records whose dead-letter send has begun: the deadline does not cut them off (see settleBeforeDeadline). */
  const deadLettering = new Set<SQSRecord>();

  const random = deps.random ?? Math.random;
  // Each record is logged and counted as soon as its outcome is known, while others still wait for DataZone,
  // rather than all of them after the slowest.
  const settle = (record: SQSRecord, outcome: RecordOutcome, detailType?: string): Finished => {
    const receiveCount = receiveCountOf(record);
    const timeoutSeconds =
      outcome.kind === 'retry'
        ? retryVisibility(receiveCount, outcome.cause, outcome.schedule, deps.config, random())
        : undefined;
    const context: RecordContext = {
      messageId: record.messageId,
      receiveCount,
      detailType,
      ...(timeoutSeconds === undefined ? {} : { visibilityTimeoutSeconds: timeoutSeconds }),
    };
    deps.reporter.report(outcome, context);
    return { record, outcome, context, timeoutSeconds };
  };

  const processRecord = async (record: SQSRecord): Promise<Finished> => {
    if (deps.deadline.expired()) return settle(record, deadlineOutcome());

    const body = bodyOf(record);
    const envelope = body.ok ? parseEnvelopeJson(body.value) : body;
    const detailType = envelope.ok ? envelope.value.detailType : undefined;
    const outcome = await processParsedEnvelope(envelope, { ...deps, datazone, startsInBatch });
    if (outcome.kind === 'dead-letter') deadLettering.add(record);
    // The send gets the safety margin too: one cut at the deadline may have reached SQS, and its retry would
    // leave a second copy in the DLQ.
    const final = await deadLetterIfPermanent(
      deps.queues,
      outcome,
      body.ok ? body.value : recordAsBody(record),
      {
        sourceMessageId: record.messageId,
        receiveCount: receiveCountOf(record),
        sourceQueueArn: record.eventSourceARN,
        detailType,
      },
      deps.deadline.finalSignal,
    );
    return settle(record, final, detailType);
  };

  // A defect in one record's processing must not fail its neighbours: it becomes that record's retry.
  const processSafely = (record: SQSRecord): Promise<Finished> =>
    processRecord(record).catch((error: unknown) => {
      // Always a retry, whatever the error says: nothing was sent to the DLQ, so nothing may be deleted.
      const { name, message } = classifyError(error);
      const outcome: RecordOutcome = {
        kind: 'retry',
        cause: 'transient',
        schedule: 'retry',
        error: { name, message },
      };
      return settle(record, outcome);
    });
  const records = readableRecords(event.Records, deps.reporter);
  const tasks = records.map((record) => limit(() => processSafely(record)));
  const finished = await settleBeforeDeadline(tasks, records, deps.deadline, deadLettering, (record) =>
    settle(record, deadlineOutcome()),
  );
  return report(finished, deps);
}

/**
 * Waits for every record, but not past the deadline: the deadline also aborts in-flight SDK calls, so this
 * only catches work that does not react to the abort signal. Records already sending to the DLQ are awaited:
 * their send is bounded by the final signal, and handing one back while it may still arrive would copy it twice.
 */
async function settleBeforeDeadline(
  tasks: readonly Promise<Finished>[],
  records: readonly SQSRecord[],
  deadline: InvocationDeadline,
  deadLettering: ReadonlySet<SQSRecord>,
  cutOff: (record: SQSRecord) => Finished,
): Promise<Finished[]> {
  const results: (Finished | undefined)[] = records.map(() => undefined);
  const all = Promise.all(tasks.map((task, index) => task.then((done) => (results[index] = done))));
  const expired = new Promise<void>((resolve) => {
    if (deadline.signal.aborted) resolve();
    deadline.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await Promise.race([all, expired.then(() => new Promise((resolve) => setTimeout(resolve, 50)))]);
  await Promise.all(
    records.map((record, index) =>
      results[index] === undefined && deadLettering.has(record) ? tasks[index] : undefined,
    ),
  );
  return records.map((record, index) => results[index] ?? cutOff(record));
}

async function report(finished: readonly Finished[], deps: SqsBatchDeps): Promise<SQSBatchResponse> {
  const changes: VisibilityChange[] = [];
  const contexts = new Map<string, RecordContext>();
  for (const { record, context, timeoutSeconds } of finished) {
    if (timeoutSeconds === undefined) continue;
    contexts.set(record.messageId, context);
    try {
      const queueUrl = queueUrlFromArn(record.eventSourceARN);
      changes.push({ queueUrl, receiptHandle: record.receiptHandle, timeoutSeconds, key: record.messageId });
    } catch (error) {
      // Still a batch item failure: the message returns after the queue's own visibility timeout.
      deps.reporter.visibilityChangeFailed(context, 'InvalidEventSourceArn', (error as Error).message);
    }
  }

  if (changes.length > 0) {
    for (const failure of await deps.queues.changeVisibility(changes, deps.deadline.finalSignal)) {
      deps.reporter.visibilityChangeFailed(
        contexts.get(failure.key) ?? { messageId: failure.key },
        failure.errorName,
        failure.errorMessage,
      );
    }
  }
  return {
    batchItemFailures: finished
      .filter(({ outcome }) => outcome.kind === 'retry')
      .map(({ record }) => ({ itemIdentifier: record.messageId })),
  };
}

function retryVisibility(
  receiveCount: number | undefined,
  cause: RetryCause,
  schedule: BackoffSchedule,
  config: SqsBatchDeps['config'],
  random: number,
): number {
  const received = receiveCount ?? 1;
  // A record cut off by the deadline once did nothing wrong: it may run again as soon as a poller picks it up.
  // Cut off again and again (a DataZone that never answers), it backs off like any retry, one step behind.
  if (cause === 'deadline' && received <= 1) return 0;
  return visibilityTimeoutSeconds({
    receiveCount: cause === 'deadline' ? received - 1 : received,
    settings: schedule === 'quota' ? config.quotaBackoff : config.retryBackoff,
    random,
  });
}

function deadlineOutcome(): RecordOutcome {
  return {
    kind: 'retry',
    cause: 'deadline',
    schedule: 'retry',
    error: { name: 'DeadlineExceededError', message: 'not finished before the invocation deadline' },
  };
}

/** A record that is not even an object has no id to report it by: it is logged and counted, and left out. */
function readableRecords(records: readonly unknown[], reporter: OutcomeReporter): SQSRecord[] {
  return records.filter((record, index): record is SQSRecord => {
    const readable = typeof record === 'object' && record !== null;
    if (!readable) reporter.unreadableRecord(index, record === null ? 'null' : typeof record);
    return readable;
  });
}

/** Lambda's record fields are read defensively: a malformed record is that record's outcome, not the batch's. */
function receiveCountOf(record: SQSRecord): number | undefined {
  const attributes: unknown = record.attributes;
  const raw =
    typeof attributes === 'object' && attributes !== null
      ? Reflect.get(attributes, 'ApproximateReceiveCount')
      : undefined;
  const count = Number(raw);
  return Number.isInteger(count) && count > 0 ? count : undefined;
}

function bodyOf(record: SQSRecord): Parsed<string> {
  const body: unknown = record.body;
  return typeof body === 'string'
    ? { ok: true, value: body }
    : {
        ok: false,
        reason: `the SQS record has no string body (got ${body === null ? 'null' : typeof body})`,
      };
}

/** A record without a body is dead-lettered as the record itself, receipt handle aside: nothing else is left. */
function recordAsBody(record: SQSRecord): string {
  const { receiptHandle: _receiptHandle, ...rest } = record;
  return JSON.stringify(rest) ?? 'null';
}
