/**
 * Redriving dead letters one by one: each one's event is sent to the source queue, and only once SQS has taken it
 * are its copies deleted from the DLQ. A failed send leaves the dead letter where it was; a failed delete leaves
 * it in the DLQ as well as in the source queue, a duplicate that the worker's client token makes harmless. So a
 * failure at any point loses nothing.
 */
import type { DlqSqs } from './queue.js';
import { chunks, SQS_BATCH_LIMIT } from './queue.js';
import type { DlqSession } from './session.js';
import type { DeadLetter } from './triage.js';

export interface Failure {
  readonly deadLetter: DeadLetter;
  readonly error: string;
}

export interface RedriveReport {
  readonly total: number;
  /** Sent to the source queue and deleted from the DLQ. */
  readonly redriven: number;
  /** Not sent: still in the DLQ only. */
  readonly notSent: readonly Failure[];
  /** Sent, but (some copy) still in the DLQ: a harmless duplicate if redriven again. */
  readonly notDeleted: readonly Failure[];
  /** Interrupted before every dead letter was tried. */
  readonly stopped: boolean;
}

/** The SQS calls a redrive makes: all of DlqSqs it needs, so that a test can give a fake. */
export type RedriveSqs = Pick<DlqSqs, 'send' | 'delete'>;

export interface Pace {
  /** Messages per second; none: as fast as SQS answers. */
  readonly rate: number | undefined;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly print: (line: string) => void;
  readonly signal?: AbortSignal | undefined;
}

export async function redriveEach(
  sqs: RedriveSqs,
  session: DlqSession,
  sourceUrl: string,
  deadLetters: readonly DeadLetter[],
  pace: Pace,
): Promise<RedriveReport> {
  const notSent: Failure[] = [];
  const notDeleted: Failure[] = [];
  let redriven = 0;
  let tried = 0;
  const batchSize = Math.min(SQS_BATCH_LIMIT, pace.rate ?? SQS_BATCH_LIMIT);
  const started = pace.now();
  for (const batch of chunks(deadLetters, batchSize)) {
    // Keep to the rate over the whole run: batch n starts no sooner than n × batchSize / rate seconds in.
    if (pace.rate !== undefined) await pace.sleep(started + (tried / pace.rate) * 1000 - pace.now());
    if (pace.signal?.aborted === true) break;
    tried += batch.length;
    const sendFailures = await sqs.send(
      sourceUrl,
      batch.map((deadLetter, i) => ({ key: String(i), body: deadLetter.event })),
    );
    const failedSends = new Map(sendFailures.map((failure) => [failure.key, failure.error]));
    const sent = batch.filter((deadLetter, i) => {
      const error = failedSends.get(String(i));
      if (error !== undefined) notSent.push({ deadLetter, error });
      return error === undefined;
    });
    const deleted = await deleteAll(sqs, session, sent);
    redriven += deleted.done;
    notDeleted.push(...deleted.failures);
    pace.print(
      `redrive: ${tried}/${deadLetters.length} tried, ${redriven} redriven, ${notSent.length} not sent, ` +
        `${notDeleted.length} sent but not deleted`,
    );
  }
  return { total: deadLetters.length, redriven, notSent, notDeleted, stopped: tried < deadLetters.length };
}

/** Deletes every copy of each dead letter; one that keeps a copy in the DLQ is a failure. */
export async function deleteAll(
  sqs: Pick<DlqSqs, 'delete'>,
  session: DlqSession,
  deadLetters: readonly DeadLetter[],
): Promise<{ done: number; failures: Failure[] }> {
  const copies = deadLetters.flatMap((deadLetter) => deadLetter.copies);
  const failed = new Map((await sqs.delete(session.queueUrl, copies)).map((f) => [f.key, f.error]));
  session.forget(copies.map((copy) => copy.messageId).filter((id) => !failed.has(id)));
  const failures: Failure[] = [];
  for (const deadLetter of deadLetters) {
    const error = deadLetter.copies.map((copy) => failed.get(copy.messageId)).find((e) => e !== undefined);
    if (error !== undefined) failures.push({ deadLetter, error });
  }
  return { done: deadLetters.length - failures.length, failures };
}
