// What a message's final log line says once it is done: a run started or found, a skip with its reason, or a
// run's outcome recorded (with the next attempt, which must be the endpoint's run for its token).
import type { EventOutcome, Run } from './accounting.js';
import type { JsonLine } from './worker-output.js';

export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

type Finished = Omit<EventOutcome, 'index' | 'label' | 'messageId' | 'deliveries' | 'target'>;

/** A message finished by a start, a run found, or a skip (an outcome event recorded as it came is one too). */
export function startedOrSkipped(
  done: JsonLine,
  runsByToken: ReadonlyMap<string, Run[]> | undefined,
): Finished {
  const problems: string[] = [];
  const clientToken = str(done.clientToken);
  const runId = str(done.runId);
  const errorName = str(done.errorName);
  const errorMessage = str(done.errorMessage);
  const status = done.outcome === 'started' || done.outcome === 'already-exists' ? done.outcome : 'skipped';
  let reason: string | undefined;
  if (status === 'skipped') {
    reason =
      done.outcome === 'name-generation-ended'
        ? `business name generation ${String(done.runStatus)}, recorded`
        : str(done.reason);
    if (reason === undefined) problems.push('skipped without a reason');
  } else {
    if (clientToken === undefined) problems.push(`${status} without a client token`);
    if (status === 'already-exists')
      reason = errorName === undefined ? undefined : `${errorName}: ${errorMessage ?? ''}`;
    if (status === 'started' && runId === undefined) problems.push('started without a run id');
    const conflict = errorName === 'ConflictException';
    if (runsByToken !== undefined && clientToken !== undefined && !conflict) {
      const runs = runsByToken.get(clientToken) ?? [];
      if (runs.length === 0) problems.push(`no run with its client token at the DataZone endpoint`);
      else if (status === 'started' && runId !== undefined && !runs.some((r) => r.id === runId)) {
        problems.push(`logged run ${runId}, but the endpoint's run for its token is ${runs[0]?.id}`);
      }
    }
  }
  return {
    status,
    ...(clientToken === undefined ? {} : { clientToken }),
    ...(runId === undefined ? {} : { runId }),
    ...(reason === undefined ? {} : { reason }),
    ...(errorName === undefined ? {} : { errorName }),
    ...(errorMessage === undefined ? {} : { errorMessage }),
    problems,
  };
}

/** A run's outcome recorded: why nothing more happens, or the next attempt, which must exist at the endpoint. */
export function runEnded(done: JsonLine, runsByToken: ReadonlyMap<string, Run[]> | undefined): Finished {
  const problems: string[] = [];
  const runId = str(done.runId);
  const runStatus = str(done.runStatus);
  const clientToken = str(done.clientToken);
  const next = done.nextRun as { runId?: unknown; attempt?: unknown } | undefined;
  const nextRun =
    typeof next?.runId === 'string' && typeof next.attempt === 'number'
      ? { runId: next.runId, attempt: next.attempt }
      : undefined;
  if (runId === undefined) problems.push('run-ended without a run id');
  const reason = str(done.why);
  if (nextRun === undefined && reason === undefined)
    problems.push('run-ended without a next run or a reason');
  if (nextRun !== undefined && runsByToken !== undefined) {
    const runs = clientToken === undefined ? [] : (runsByToken.get(clientToken) ?? []);
    // A twin in the batch (the same outcome event delivered twice) made the call: the worker names no run id.
    const named = nextRun.runId !== 'unknown';
    if (runs.length === 0)
      problems.push(`no run with the next attempt's client token at the DataZone endpoint`);
    else if (named && !runs.some((run) => run.id === nextRun.runId)) {
      problems.push(`next run ${nextRun.runId} is not the endpoint's run for its client token`);
    }
  }
  return {
    status: 'run-ended',
    ...(runId === undefined ? {} : { runId }),
    ...(runStatus === undefined ? {} : { runStatus }),
    ...(nextRun === undefined ? {} : { nextRun }),
    ...(clientToken === undefined ? {} : { clientToken }),
    ...(reason === undefined ? {} : { reason }),
    problems,
  };
}
