/**
 * An EventBridge event delivered straight to the function (asynchronous invocation).
 * Transient failures throw, so Lambda's retries and on-failure destination apply; permanent failures go to the
 * dead-letter queue and return, because retrying them would only fail again.
 */

import { parseEnvelope } from '../core/asset-event.js';
import type { RecordOutcome } from '../core/outcome.js';
import type { Clock, DataZoneGateway, Deadline, QueuePort } from '../core/ports.js';
import { toXmlSafeJson } from '../core/text.js';
import { EventBatch, type PipelineSettings } from '../pipeline/process-event.js';
import type { OutcomeReporter } from '../runtime/observability.js';
import { deadLetterIfPermanent } from './dead-letter.js';

export interface DirectEventDeps {
  readonly config: PipelineSettings;
  readonly datazone: DataZoneGateway;
  readonly queues: QueuePort;
  readonly reporter: OutcomeReporter;
  readonly deadline: Deadline;
  readonly clock: Clock;
}

export interface DirectEventResult {
  readonly outcome: RecordOutcome['kind'];
  readonly runId?: string;
  readonly clientToken?: string;
}

/** Thrown to make Lambda retry the invocation; the message says why. */
class RetryLaterError extends Error {
  override readonly name = 'RetryLaterError';
}

export async function processDirectEvent(event: unknown, deps: DirectEventDeps): Promise<DirectEventResult> {
  const envelope = parseEnvelope(event);
  const eventId = envelope.ok ? envelope.value.id : undefined;
  const detailType = envelope.ok ? envelope.value.detailType : undefined;
  const processed = await new EventBatch(deps.config, deps.datazone.batch(), deps.clock, false).process(
    envelope,
  );
  const outcome =
    processed.kind === 'dead-letter'
      ? await deadLetter(event, processed, eventId, detailType, deps)
      : processed;
  deps.reporter.report(outcome, { eventId, detailType });
  if (outcome.kind === 'retry') {
    throw new RetryLaterError(`${outcome.cause}: ${outcome.error.name}: ${outcome.error.message}`);
  }
  return {
    outcome: outcome.kind,
    ...(outcome.kind === 'started' ? { runId: outcome.runId } : {}),
    // Stryker disable next-line OptionalChaining: every outcome that has a target key holds a Target object there
    ...('target' in outcome && outcome.target?.clientToken !== undefined
      ? { clientToken: outcome.target.clientToken }
      : {}),
  };
}

/**
 * Serialised only here, for the DLQ: an event nested too deeply for the stack must not fail a run already started.
 * One that cannot be serialised at all is thrown back to Lambda, whose on-failure destination keeps the event as
 * it arrived.
 */
async function deadLetter(
  event: unknown,
  outcome: RecordOutcome & { kind: 'dead-letter' },
  eventId: string | undefined,
  detailType: string | undefined,
  deps: DirectEventDeps,
): Promise<RecordOutcome> {
  let body: string;
  try {
    // The event arrived as JSON (middy hands a missing payload over as {}): only its depth can make this throw.
    body = toXmlSafeJson(JSON.stringify(event));
  } catch (error) {
    return {
      kind: 'retry',
      cause: 'dead-letter-unavailable',
      // Stryker disable next-line StringLiteral: the direct path has no queue: Lambda's retry ignores the schedule
      schedule: 'short',
      error: {
        name: outcome.error.name,
        message: `the event cannot be serialised for the DLQ (${(error as Error).message}); ${outcome.error.message}`,
      },
    };
  }
  const source = { sourceMessageId: eventId ?? 'unknown', detailType, failedAt: new Date(deps.clock()) };
  return deadLetterIfPermanent(deps.queues, outcome, body, source, deps.deadline.finalSignal);
}
