// How a run of the local DataZone ends, decided when it starts: its asset's `runOutcomes` in the catalog (by
// attempt), else a seeded choice by the lifecycle's weights, else the lifecycle's final status. A seeded choice
// depends on the seed and the run's identity only, so a run ends the same way whatever order runs start in.
import { seededRandom } from '../http-util.js';
import type { CatalogAsset } from './catalog.js';
import type { GenerationType, MetadataGenerationRun, RunEnd, RunLifecycle, TypeStat } from './types.js';

/** The failure a new attempt may mend: it matches none of the worker's patterns of hopeless failures. */
export const TRANSIENT_ERROR_MESSAGE =
  'Internal error while generating metadata (local stand-in); a new run may succeed.';

export type ResolvedLifecycle = Required<Omit<RunLifecycle, 'outcomeWeights'>> &
  Pick<RunLifecycle, 'outcomeWeights'>;

export function resolveLifecycle(lifecycle: RunLifecycle = {}): ResolvedLifecycle {
  return {
    inProgressAfterMs: lifecycle.inProgressAfterMs ?? 50,
    completeAfterMs: lifecycle.completeAfterMs ?? 200,
    finalStatus: lifecycle.finalStatus ?? 'SUCCEEDED',
    ...(lifecycle.outcomeWeights === undefined ? {} : { outcomeWeights: lifecycle.outcomeWeights }),
  };
}

/** What a run is, for deciding its end. */
interface RunIdentity {
  readonly domainId: string;
  readonly assetId: string;
  readonly revision: string;
  readonly types: readonly GenerationType[];
  readonly attempt: number;
  readonly createdAt: number;
}

export function planRunEnd(
  lifecycle: ResolvedLifecycle,
  seed: number,
  asset: CatalogAsset,
  run: RunIdentity,
): MetadataGenerationRun['end'] {
  const script = asset.runOutcomes;
  const chosen =
    script === undefined
      ? (weightedChoice(lifecycle.outcomeWeights, seed, run) ?? lifecycle.finalStatus)
      : (script[Math.min(run.attempt, script.length) - 1] ?? lifecycle.finalStatus);
  const spec = typeof chosen === 'string' ? { status: chosen } : chosen;
  const afterMs = spec.afterMs ?? lifecycle.completeAfterMs;
  return {
    at: afterMs === 'never' ? undefined : run.createdAt + afterMs,
    ...resultsOf(spec.status, run.types, spec.failedTypes, spec.errorMessage ?? TRANSIENT_ERROR_MESSAGE),
  };
}

/**
 * The per-type results of an end. A partial success fails the types named (default: all but the first) among the
 * run's own: when that is none of them the run succeeds, when it is all of them the run fails.
 */
function resultsOf(
  status: RunEnd,
  types: readonly GenerationType[],
  failedTypes: readonly GenerationType[] | undefined,
  errorMessage: string,
): { status: RunEnd; typeStats: TypeStat[] } {
  const failing = new Set(
    status === 'FAILED'
      ? types
      : status === 'PARTIALLY_SUCCEEDED'
        ? types.filter((type, index) => (failedTypes === undefined ? index > 0 : failedTypes.includes(type)))
        : [],
  );
  const typeStats = types.map((type): TypeStat => {
    if (status === 'CANCELED') return { type, status: 'CANCELED' };
    return failing.has(type) ? { type, status: 'FAILED', errorMessage } : { type, status: 'SUCCEEDED' };
  });
  if (status === 'CANCELED') return { status, typeStats };
  const final: RunEnd =
    failing.size === 0 ? 'SUCCEEDED' : failing.size === types.length ? 'FAILED' : 'PARTIALLY_SUCCEEDED';
  return { status: final, typeStats };
}

function weightedChoice(
  weights: RunLifecycle['outcomeWeights'],
  seed: number,
  run: RunIdentity,
): RunEnd | undefined {
  const entries = Object.entries(weights ?? {}).filter(([, w]) => w !== undefined && w > 0) as [
    RunEnd,
    number,
  ][];
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  if (total === 0) return undefined;
  const identity = [seed, run.domainId, run.assetId, run.revision, [...run.types].sort(), run.attempt];
  let point = seededRandom(fnv1a(JSON.stringify(identity)))() * total;
  for (const [end, weight] of entries) {
    point -= weight;
    if (point < 0) return end;
  }
  return entries.at(-1)?.[0];
}

/** 32-bit FNV-1a: a stable seed from a string. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
