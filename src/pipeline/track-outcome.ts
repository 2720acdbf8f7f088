/**
 * Track: a run's outcome event → the run as DataZone reports it, recorded; a failed run started again for the
 * types that failed, a bounded number of times with backoff, each attempt with a token of its own; or, when no
 * attempt is left, the DLQ with the last error. The attempt comes from the asset's runs, not from a store.
 */
import { MAX_VISIBILITY_TIMEOUT_SECONDS } from '../core/backoff.js';
import { clientToken } from '../core/client-token.js';
import type { GenerationGroup, GenerationType } from '../core/generation-types.js';
import { outcomeForError, type RecordOutcome, type RunReport, type Target } from '../core/outcome.js';
import type { RunOutcomeEvent } from '../core/outcome-event.js';
import type { Clock, DataZonePort, RunDetails } from '../core/ports.js';
import { decideAfterRun, type RetryPolicy } from '../core/runs.js';
import { type StartsInBatch, startRun } from './start-run.js';

export async function trackOutcome(
  event: RunOutcomeEvent,
  policy: RetryPolicy,
  datazone: DataZonePort,
  starts: StartsInBatch,
  clock: Clock,
  /** Without a queue (the direct wiring) there is nowhere to wait: the next attempt starts at once. */
  options: { readonly canWaitInQueue: boolean },
): Promise<RecordOutcome> {
  const known: Target = { domainId: event.domainId, assetId: 'unknown' };
  let run: RunDetails;
  try {
    run = await datazone.getRun(event.domainId, event.runId);
  } catch (error) {
    return outcomeForError(error, known);
  }
  const target: Target = {
    domainId: run.domainId,
    assetId: run.assetId ?? 'unknown',
    revision: run.revision,
  };
  const report = reportOf(run, event.time);
  if (run.status === 'SUBMITTED' || run.status === 'IN_PROGRESS') {
    // The event says the run ended; DataZone does not say so yet. Ask again shortly rather than drop a failure.
    const message = `the event says ${event.detailType}, the run still reads ${run.status}`;
    return {
      kind: 'retry',
      cause: 'transient',
      schedule: 'short',
      error: { name: 'RunNotEndedYet', message },
      target,
    };
  }
  if (run.status !== 'FAILED' && run.status !== 'PARTIALLY_SUCCEEDED') {
    return { kind: 'run-ended', target, run: report, next: { why: `status ${run.status ?? 'unknown'}` } };
  }
  const { assetId, revision, owningProjectId } = run;
  if (assetId === undefined || revision === undefined || owningProjectId === undefined) {
    return {
      kind: 'run-ended',
      target,
      run: report,
      next: { why: 'the run names no asset revision or project' },
    };
  }
  const revisionRef: RevisionRef = { domainId: run.domainId, assetId, revision, owningProjectId };
  // Without the event's time, the backoff counts from the run's creation: every receive must measure the same.
  const endedAt = event.time ?? run.createdAt ?? clock();
  let decision: ReturnType<typeof decideAfterRun>;
  try {
    decision = decideAfterRun(run, await datazone.listRuns(run.domainId, assetId), policy, endedAt);
  } catch (error) {
    return outcomeForError(error, target);
  }
  switch (decision.kind) {
    case 'done':
      return { kind: 'run-ended', target, run: report, next: { why: decision.why } };
    case 'give-up':
      return {
        kind: 'dead-letter',
        error: { name: 'MetadataGenerationFailed', message: decision.why },
        target,
        run: report,
      };
    case 'start-again': {
      const waitMs = decision.notBefore - clock();
      if (waitMs > 0 && options.canWaitInQueue) {
        const message = `attempt ${decision.attempt} of run ${run.runId}'s types starts after its backoff`;
        return {
          kind: 'retry',
          cause: 'run-retry-wait',
          schedule: 'short',
          error: { name: 'RunRetryScheduled', message },
          target,
          visibleAfterSeconds: Math.min(Math.ceil(waitMs / 1000), MAX_VISIBILITY_TIMEOUT_SECONDS),
        };
      }
      return startAgain(revisionRef, decision, report, datazone, starts);
    }
  }
}

interface RevisionRef {
  readonly domainId: string;
  readonly assetId: string;
  readonly revision: string;
  readonly owningProjectId: string;
}

async function startAgain(
  run: RevisionRef,
  { group, types, attempt }: { group: GenerationGroup; types: readonly GenerationType[]; attempt: number },
  report: RunReport,
  datazone: DataZonePort,
  starts: StartsInBatch,
): Promise<RecordOutcome> {
  const token = clientToken({
    domainId: run.domainId,
    assetId: run.assetId,
    revision: run.revision,
    generationTypes: types,
    attempt,
  });
  const target: Target = {
    domainId: run.domainId,
    assetId: run.assetId,
    revision: run.revision,
    owningProjectId: run.owningProjectId,
    clientToken: token,
  };
  const request = {
    domainId: run.domainId,
    assetId: run.assetId,
    revision: run.revision,
    owningProjectId: run.owningProjectId,
    generationTypes: types,
    clientToken: token,
  };
  const started = await startRun(request, target, datazone, starts, attempt, group);
  if (started.kind === 'started')
    return { kind: 'run-ended', target, run: report, next: { runId: started.runId, attempt } };
  if (started.kind !== 'already-exists') return started;
  // An earlier delivery of the same outcome started this attempt already: recorded then, not counted again.
  const why = `attempt ${attempt} was started already${started.runId === undefined ? '' : `: run ${started.runId}`}`;
  return { kind: 'run-ended', target, run: report, next: { why } };
}

function reportOf(run: RunDetails, endedAt: number | undefined): RunReport {
  const durationSeconds =
    run.createdAt !== undefined && endedAt !== undefined
      ? Math.max(0, (endedAt - run.createdAt) / 1000)
      : undefined;
  return {
    runId: run.runId,
    status: run.status ?? 'UNKNOWN',
    types: run.types,
    typeStats: run.typeStats,
    ...(durationSeconds === undefined ? {} : { durationSeconds }),
  };
}
