/**
 * An EventBridge event delivered straight to the function (asynchronous invocation).
 * Transient failures throw, so Lambda's retries and on-failure destination apply; permanent failures go to the
 * dead-letter queue and return, because retrying them would only fail again.
 */
import type { QueuePort } from './adapters/queues.js';
import { parseEnvelope } from './core/asset-event.js';
import type { RecordOutcome } from './core/outcome.js';
import { deadLetterIfPermanent } from './dead-letter.js';
import type { InvocationDeadline } from './deadline.js';
import type { OutcomeReporter } from './observability.js';
import { type EventProcessingDeps, processParsedEnvelope } from './process-event.js';

export interface DirectEventDeps extends EventProcessingDeps {
  readonly queues: QueuePort;
  readonly reporter: OutcomeReporter;
  readonly deadline: InvocationDeadline;
}

export interface DirectEventResult {
  readonly outcome: RecordOutcome['kind'];
  readonly runId?: string;
  readonly clientToken?: string;
}

/** Thrown to make Lambda retry the invocation; the message says why. */
export class RetryLaterError extends Error {
  override readonly name = 'RetryLaterError';
}

export async function processDirectEvent(event: unknown, deps: DirectEventDeps): Promise<DirectEventResult> {
  const envelope = parseEnvelope(event);
  const eventId = envelope.ok ? envelope.value.id : undefined;
  const detailType = envelope.ok ? envelope.value.detailType : undefined;
  const outcome = await deadLetterIfPermanent(
    deps.queues,
    await processParsedEnvelope(envelope, deps),
    // JSON.stringify(undefined) is undefined, not a string: keep the DLQ body a string whatever arrives.
    JSON.stringify(event) ?? 'null',
    { sourceMessageId: eventId ?? 'unknown', detailType },
    deps.deadline.signal,
  );
  deps.reporter.report(outcome, { eventId, detailType });
  if (outcome.kind === 'retry') {
    throw new RetryLaterError(`${outcome.cause}: ${outcome.error.name}: ${outcome.error.message}`);
  }
  return {
    outcome: outcome.kind,
    ...(outcome.kind === 'started' ? { runId: outcome.runId } : {}),
    ...(outcome.target?.clientToken === undefined ? {} : { clientToken: outcome.target.clientToken }),
  };
}
