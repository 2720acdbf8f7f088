/**
 * What an asset's runs say, without a store of our own: whether a revision already has a run of a group, which
 * attempt a run was, and what to do once a run has ended.
 */
import { type GenerationGroup, type GenerationType, groupOf } from './generation-types.js';
import type { RunDetails, RunSummary } from './ports.js';

/** The run of an asset revision for a group of types (a first run or a retry of some of them), if any. */
export function runOfRevision(
  runs: readonly RunSummary[],
  revision: string,
  group: GenerationGroup,
): RunSummary | undefined {
  return runs.find((run) => run.revision === revision && isOfGroup(run, group));
}

/** A run that does not say its types counts for every group: the safe side is never to start a second run. */
function isOfGroup(run: RunSummary, group: GenerationGroup): boolean {
  return run.types.length === 0 || groupOf(run.types, [group]) === group;
}

/** The newest run of a revision and group (the one whose outcome decides what comes next), if any. */
export function latestRunOf(
  runs: readonly RunSummary[],
  revision: string,
  group: GenerationGroup,
): RunSummary | undefined {
  return runs
    .filter((run) => run.revision === revision && isOfGroup(run, group))
    .reduce<RunSummary | undefined>(
      (latest, run) => (latest === undefined || isBefore(latest, run) ? run : latest),
      undefined,
    );
}

/** The run that was the given attempt for a revision and group (the attempt-th, oldest first), if any. */
export function runOfAttempt(
  runs: readonly RunSummary[],
  revision: string,
  group: GenerationGroup,
  attempt: number,
): RunSummary | undefined {
  return runs
    .filter((run) => run.revision === revision && isOfGroup(run, group))
    .find((run) => attemptOf(run, runs, group) === attempt);
}

/**
 * Which attempt a run was for its revision and group: 1 + the runs of the same revision and group created before
 * it. DataZone's own list is the record, so every delivery of the run's outcome counts the same.
 */
export function attemptOf(run: RunSummary, runs: readonly RunSummary[], group: GenerationGroup): number {
  const earlier = runs.filter(
    (other) =>
      other.runId !== run.runId &&
      other.revision === run.revision &&
      isOfGroup(other, group) &&
      isBefore(other, run),
  );
  return 1 + earlier.length;
}

function isBefore(a: RunSummary, b: RunSummary): boolean {
  // Stryker disable next-line LogicalOperator: `&&` leaves one missing time to the comparisons, false for undefined
  if (a.createdAt === undefined || b.createdAt === undefined) return false;
  return a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.runId < b.runId);
}

/**
 * Failures no new attempt can mend, recognised from DataZone's per-type error text: an asset without a structured
 * schema, an asset type or generation type that is not supported, an asset that is gone, missing permissions.
 */
const HOPELESS_FAILURES = [
  /schema/i,
  /not supported|unsupported/i,
  /not found|does not exist|deleted/i,
  /access denied|not authori[sz]ed|permission/i,
];

export interface RetryPolicy {
  readonly groups: readonly GenerationGroup[];
  /** Runs per (revision, group), the first included. */
  readonly maxRunAttempts: number;
  /** Seconds to wait after the n-th attempt failed: base × 2^(n-1). */
  readonly runRetryBaseSeconds: number;
}

export type RunDecision =
  | { readonly kind: 'done'; readonly why: string }
  | {
      readonly kind: 'start-again';
      /** The configured group the failed run belongs to; `types` are those of it that failed. */
      readonly group: GenerationGroup;
      readonly types: GenerationGroup;
      readonly attempt: number;
      /** Epoch ms before which the next attempt does not start. */
      readonly notBefore: number;
    }
  | { readonly kind: 'give-up'; readonly why: string };

/** After a run ended: nothing more, another attempt for the types that failed, or the DLQ with the last error. */
export function decideAfterRun(
  run: RunDetails,
  runs: readonly RunSummary[],
  policy: RetryPolicy,
  endedAt: number,
): RunDecision {
  if (run.status !== 'FAILED' && run.status !== 'PARTIALLY_SUCCEEDED') {
    return { kind: 'done', why: `status ${run.status ?? 'unknown'}` };
  }
  const group = groupOf(run.types, policy.groups);
  if (group === undefined)
    return { kind: 'done', why: `types ${run.types.join(',')} are not a configured group` };
  const failed = failedTypes(run);
  const errors = errorsOf(run);
  if (HOPELESS_FAILURES.some((pattern) => pattern.test(errors))) {
    return { kind: 'give-up', why: `failed in a way no new attempt can mend: ${errors}` };
  }
  const attempt = attemptOf(run, runs, group);
  const later = runs.find(
    (other) =>
      other.runId !== run.runId &&
      other.revision === run.revision &&
      isOfGroup(other, group) &&
      isBefore(run, other),
  );
  // A late copy of this outcome: the next attempt has been started already, whatever its token says by now.
  if (later !== undefined)
    return { kind: 'done', why: `attempt ${attempt + 1} already started: run ${later.runId}` };
  if (attempt >= policy.maxRunAttempts) {
    return { kind: 'give-up', why: `attempt ${attempt} of ${policy.maxRunAttempts} failed: ${errors}` };
  }
  const delayMs = policy.runRetryBaseSeconds * 1000 * 2 ** (attempt - 1);
  return { kind: 'start-again', group, types: failed, attempt: attempt + 1, notBefore: endedAt + delayMs };
}

/** The types that failed: those with a FAILED result, or all of the run's when it reports none per type. */
function failedTypes(run: RunDetails): GenerationGroup {
  const failed = run.typeStats.filter((stat) => stat.status === 'FAILED').map((stat) => stat.type);
  const types = failed.length > 0 ? failed : run.types;
  return [...new Set(types)].sort() as GenerationType[];
}

/** The failed types' errors; of a failed or partly successful run only, so its status is always there. */
function errorsOf(run: RunDetails): string {
  const messages = run.typeStats
    .filter((stat) => stat.status === 'FAILED')
    .map((stat) => `${stat.type}: ${stat.errorMessage ?? 'no error message'}`);
  return messages.length > 0 ? messages.join('; ') : `run ${run.runId} ${run.status}`;
}
