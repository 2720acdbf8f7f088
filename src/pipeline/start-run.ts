/**
 * Start: one StartMetadataGenerationRun per asset revision, with the deterministic client token, and what its
 * answer means: a run started, the run an earlier start made (a replayed token, a duplicate in the batch, a
 * confirmed conflict), or a retry.
 */
import { ServiceError } from '../core/errors.js';
import type { GenerationGroup } from '../core/generation-types.js';
import { outcomeForError, type RecordOutcome, type Target } from '../core/outcome.js';
import type { DataZonePort, RunSummary, StartedRun, StartRunRequest } from '../core/ports.js';
import { runOfAttempt } from '../core/runs.js';

/**
 * Start calls already made in one batch, by client token: a duplicate record shares the call instead of sending
 * its own (DataZone would answer it with the same run anyway, at the cost of a request).
 */
export type StartsInBatch = Map<string, Promise<StartedRun>>;

export async function startRun(
  request: StartRunRequest,
  target: Target,
  datazone: DataZonePort,
  starts: StartsInBatch,
  attempt = 1,
  /** The configured group a retry of some of its types belongs to (attempts are counted per group). */
  group: GenerationGroup = request.generationTypes,
): Promise<RecordOutcome> {
  const shared = starts.get(request.clientToken);
  const start = shared ?? datazone.startMetadataGenerationRun(request);
  starts.set(request.clientToken, start);
  let run: StartedRun;
  try {
    run = await start;
  } catch (error) {
    if (error instanceof ServiceError && error.kind === 'conflict') {
      return confirmConflict(datazone, target, { revision: request.revision, group, attempt }, error);
    }
    const outcome = outcomeForError(error, target);
    // A duplicate never called: a throttle or quota its twin met makes it a deferred record, like any other
    // record of the batch that had not reached the API yet.
    if (
      shared !== undefined &&
      outcome.kind === 'retry' &&
      (outcome.cause === 'throttled' || outcome.cause === 'quota')
    ) {
      return { ...outcome, cause: 'deferred' };
    }
    return outcome;
  }
  if (shared !== undefined) {
    const message = `run ${run.runId} was started for an identical event of this batch`;
    return { kind: 'already-exists', target, error: { name: 'DuplicateInBatch', message } };
  }
  if (run.replayed === true) {
    const message = `run ${run.runId} was created before this request: the client token returned an earlier start's run`;
    return {
      kind: 'already-exists',
      target,
      runId: run.runId,
      error: { name: 'ClientTokenReplay', message },
    };
  }
  return { kind: 'started', target, runId: run.runId, runStatus: run.status };
}

/**
 * ConflictException means a run of the asset exists or is under way, not necessarily one of this revision and
 * group of types: when
 * a new revision arrives while the previous one's run is in progress, taking the conflict as done would lose the
 * new revision. The runs of the asset tell which: this revision's run of the group (for a later attempt, that
 * attempt's run, not the one that failed) → already existing; none → retry later.
 * If the check itself fails, the record is retried too: the client token keeps that from starting a second run.
 */
async function confirmConflict(
  datazone: DataZonePort,
  target: Target,
  { revision, group, attempt }: { revision: string; group: GenerationGroup; attempt: number },
  conflict: ServiceError,
): Promise<RecordOutcome> {
  const error = { name: conflict.name, message: conflict.message };
  let run: RunSummary | undefined;
  try {
    run = runOfAttempt(await datazone.listRuns(target.domainId, target.assetId), revision, group, attempt);
  } catch (lookupError) {
    return outcomeForError(lookupError, target);
  }
  if (run !== undefined) return { kind: 'already-exists', target, error, runId: run.runId };
  // The other revision's run takes minutes: wait on the long schedule, so that the receives left before the DLQ
  // cover hours rather than the quarter of an hour the short one adds up to.
  return {
    kind: 'retry',
    cause: 'asset-busy',
    schedule: 'long',
    error: { name: error.name, message: `no run of revision ${revision} yet: ${error.message}` },
    target,
  };
}

type StartedOutcome = Extract<RecordOutcome, { readonly kind: 'started' }>;

/**
 * One record's outcome from its groups' (in group order): done when every group has its run, else the first
 * retry (so that the record comes back; the started groups' tokens make their runs replays then), else the first
 * dead letter. A single group's outcome is the record's as it is.
 */
export function combineGroups(
  groups: readonly GenerationGroup[],
  outcomes: readonly RecordOutcome[],
): RecordOutcome {
  const [first] = outcomes;
  if (first === undefined) throw new RangeError('a record has at least one generation group');
  if (outcomes.length === 1) return first;
  const unfinished =
    outcomes.find((outcome) => outcome.kind === 'retry') ??
    outcomes.find((outcome) => outcome.kind === 'dead-letter');
  if (unfinished !== undefined) return unfinished;
  const runs = outcomes.map((outcome, index) => ({
    types: groups[index] ?? [],
    runId: outcome.kind === 'started' || outcome.kind === 'already-exists' ? outcome.runId : undefined,
    startedNow: outcome.kind === 'started',
  }));
  const started = outcomes.find((outcome): outcome is StartedOutcome => outcome.kind === 'started');
  if (started === undefined) return first;
  return { ...started, groups: runs };
}
