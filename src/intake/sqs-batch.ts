/**
 * An SQS batch: records run concurrently under a bound, in two halves one event-loop turn apart, each to an
 * outcome (logged and counted as soon as it is known); then the retried ones are reported as `batchItemFailures`
 * with their visibility backoff. Dead letters are sent per record, as soon as their outcome is known. Records not
 * finished when the invocation's deadline passes are handed back instead of being cut off by the Lambda timeout.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import pLimit from 'p-limit';
import { parseEnvelopeJson } from '../core/asset-event.js';
import { type BackoffSchedules, retryVisibilitySeconds } from '../core/backoff.js';
import { DeadlineExceededError } from '../core/errors.js';
import { outcomeForError, type RecordOutcome, summarise } from '../core/outcome.js';
import type { Clock, DataZoneGateway, Deadline, QueuePort, VisibilityChange } from '../core/ports.js';
import { EventBatch, type PipelineSettings } from '../pipeline/process-event.js';
import { queueUrlFromArn } from '../queues/sqs.js';
import type { OutcomeReporter, RecordContext } from '../runtime/observability.js';
import { deadLetterIfPermanent } from './dead-letter.js';
import { settleBeforeDeadline } from './settle.js';
import { bodyOf, readableRecords, receiveCountOf, recordAsBody } from './sqs-record.js';

export interface SqsBatchDeps {
  readonly config: PipelineSettings & {
    /** How many records of one batch are processed at the same time. */
    readonly recordConcurrency: number;
    readonly backoff: BackoffSchedules;
  };
  readonly datazone: DataZoneGateway;
  readonly queues: QueuePort;
  readonly reporter: OutcomeReporter;
  readonly deadline: Deadline;
  readonly clock: Clock;
  /** Jitter source, a number in [0, 1). */
  readonly random: () => number;
}

/** A record's outcome, already logged and counted, with the visibility it goes back with when retried. */
interface Finished {
  readonly record: SQSRecord;
  readonly outcome: RecordOutcome;
  readonly context: RecordContext;
  readonly timeoutSeconds: number | undefined;
}

export async function processSqsBatch(event: SQSEvent, deps: SqsBatchDeps): Promise<SQSBatchResponse> {
  const batch = new EventBatch(deps.config, deps.datazone.batch(), deps.clock);
  const records = readableRecords(event.Records, (index, got) => deps.reporter.unreadableRecord(index, got));
  /** Records whose dead-letter send has begun: the deadline does not cut them off. */
  const deadLettering = new Set<SQSRecord>();
  const limit = pLimit(deps.config.recordConcurrency);
  const turnOf = startTurns(records.length);
  const tasks = records.map((record, index) =>
    limit(() =>
      turnOf(index)
        .then(() => processRecord(record, batch, deadLettering, deps))
        .catch((error: unknown) =>
          // A defect in one record's processing must not fail its neighbours: it becomes that record's retry,
          // whatever the error says (nothing was sent to the DLQ, so nothing may be deleted).
          finish(
            record,
            { kind: 'retry', cause: 'transient', schedule: 'short', error: summarise(error) },
            deps,
          ),
        ),
    ),
  );
  const finished = await settleBeforeDeadline(tasks, records, deps.deadline, deadLettering, (record) =>
    finish(record, outcomeForError(new DeadlineCutOff()), deps),
  );
  await changeVisibility(finished, deps);
  const retried = finished.filter(({ outcome }) => outcome.kind === 'retry');
  // An entry without an id would make Lambda fail the whole batch: it is told, and the others are handed back.
  retried.forEach(({ record }, index) => {
    if (!hasMessageId(record))
      deps.reporter.unreadableRecord(index, 'a record without a messageId to hand back');
  });
  return {
    batchItemFailures: retried
      .filter(({ record }) => hasMessageId(record))
      .map(({ record }) => ({ itemIdentifier: record.messageId })),
  };
}

/**
 * When each record of a batch starts: the first half at once, the second half one event-loop turn later. The first
 * half's requests leave before the second half is prepared, so their answers come back, and are read, while the
 * second half's are on the way, instead of all of them arriving together to wait for one thread (the throughput
 * section of docs/benchmarks-history.md, sixth session).
 */
function startTurns(records: number): (index: number) => Promise<void> {
  const firstHalf = Math.ceil(records / 2);
  const nextTurn = new Promise<void>((resolve) => setImmediate(resolve));
  return (index) => (index < firstHalf ? Promise.resolve() : nextTurn);
}

async function processRecord(
  record: SQSRecord,
  batch: EventBatch,
  deadLettering: Set<SQSRecord>,
  deps: SqsBatchDeps,
): Promise<Finished> {
  if (deps.deadline.expired()) return finish(record, outcomeForError(new DeadlineCutOff()), deps);
  const body = bodyOf(record);
  const envelope = body.ok ? parseEnvelopeJson(body.value) : body;
  const detailType = envelope.ok ? envelope.value.detailType : undefined;
  const outcome = await batch.process(envelope, (receiveCountOf(record) ?? 1) > 1);
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
      failedAt: new Date(deps.clock()),
    },
    deps.deadline.finalSignal,
  );
  return finish(record, final, deps, detailType);
}

/** Logs and counts a record's outcome as soon as it is known, while others still wait for DataZone. */
function finish(
  record: SQSRecord,
  outcome: RecordOutcome,
  deps: SqsBatchDeps,
  detailType?: string,
): Finished {
  const receiveCount = receiveCountOf(record);
  const timeoutSeconds =
    outcome.kind === 'retry'
      ? (outcome.visibleAfterSeconds ??
        retryVisibilitySeconds(outcome, receiveCount, deps.config.backoff, deps.random()))
      : undefined;
  const context: RecordContext = {
    messageId: record.messageId,
    receiveCount,
    detailType,
    ...(timeoutSeconds === undefined ? {} : { visibilityTimeoutSeconds: timeoutSeconds }),
  };
  deps.reporter.report(outcome, context);
  return { record, outcome, context, timeoutSeconds };
}

/** Applies the retried records' backoffs; a failed change still leaves the record in `batchItemFailures`. */
async function changeVisibility(finished: readonly Finished[], deps: SqsBatchDeps): Promise<void> {
  const changes: VisibilityChange[] = [];
  const contexts = new Map<string, RecordContext>();
  for (const { record, context, timeoutSeconds } of finished) {
    if (timeoutSeconds === undefined) continue;
    contexts.set(record.messageId, context);
    try {
      const queueUrl = queueUrlFromArn(record.eventSourceARN);
      changes.push({ queueUrl, receiptHandle: record.receiptHandle, timeoutSeconds, key: record.messageId });
    } catch (error) {
      // The message returns after the queue's own visibility timeout.
      deps.reporter.visibilityChangeFailed(context, 'InvalidEventSourceArn', (error as Error).message);
    }
  }
  for (const failure of await deps.queues.changeVisibility(changes, deps.deadline.finalSignal)) {
    deps.reporter.visibilityChangeFailed(
      contexts.get(failure.key) ?? { messageId: failure.key },
      failure.errorName,
      failure.errorMessage,
    );
  }
}

function hasMessageId(record: SQSRecord): boolean {
  const id: unknown = record.messageId;
  return typeof id === 'string' && id !== '';
}

/** A record still running, or not yet begun, when the invocation's deadline passed. */
class DeadlineCutOff extends DeadlineExceededError {
  constructor() {
    super('not finished before the invocation deadline');
  }
}
