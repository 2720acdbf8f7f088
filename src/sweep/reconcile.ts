/**
 * The scheduled reconciler's step: a sweep is carried from invocation to invocation by messages on its own
 * queue (a cursor: domain, where the next page starts, what was found so far), so that it covers a catalog of any
 * size with bounded work per invocation, resumes where it stopped, and needs no database. A message the function
 * fails on comes back (SQS), and its page is swept again: the worker's checks make that harmless.
 */
import { generationGroups } from '../core/generation-types.js';
import {
  addCounts,
  NO_COUNTS,
  type SweepCounts,
  type SweepDeps,
  type SweepSettings,
  sweepPage,
} from './sweep.js';

export interface SweepCursor {
  readonly sweepId: string;
  readonly domainId: string;
  readonly nextToken?: string | undefined;
  readonly counts: SweepCounts;
}

/** What the schedule puts on the sweep queue: a sweep of every configured domain begins. */
interface SweepStart {
  readonly start: true;
}

export type SweepMessage = SweepCursor | SweepStart;

export interface ReconcileSettings {
  readonly domainIds: readonly string[];
  readonly owningProjectId: string | undefined;
  readonly publishedOnly: boolean;
  readonly generationTypes: Parameters<typeof generationGroups>[0];
  readonly supportedAssetTypes: ReadonlySet<string>;
  readonly pageSize: number;
  readonly retry: SweepSettings['retry'];
}

export interface ReconcileDeps extends SweepDeps {
  /** Hands the rest of a sweep to the next invocation. */
  readonly continueWith: (cursor: SweepCursor) => Promise<void>;
  /** Whether there is time for another page in this invocation. */
  readonly hasTimeForAPage: () => boolean;
  readonly pageSwept: (cursor: SweepCursor, page: SweepCounts, total: number | undefined) => void;
  readonly sweepDone: (cursor: SweepCursor) => void;
}

export function parseSweepMessage(body: string): SweepMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  // Any other value that is not an object (a number, a string) has no string sweepId: refused below.
  if (value === null) return undefined;
  const candidate = value as Partial<SweepCursor & SweepStart>;
  if (candidate.start === true) return { start: true };
  if (typeof candidate.sweepId !== 'string' || typeof candidate.domainId !== 'string') return undefined;
  if (candidate.nextToken !== undefined && typeof candidate.nextToken !== 'string') return undefined;
  return {
    sweepId: candidate.sweepId,
    domainId: candidate.domainId,
    nextToken: candidate.nextToken,
    counts: { ...NO_COUNTS, ...numbersOf(candidate.counts) },
  };
}

/**
 * The counts a cursor carries, those that are numbers: a hand-written `"assetsScanned": "4"` would otherwise make
 * the next page's sum a string ("4" + 50 = "450"). Counts of a newer version's kinds are carried along.
 */
function numbersOf(counts: unknown): Record<string, number> {
  if (typeof counts !== 'object' || counts === null || Array.isArray(counts)) return {};
  return Object.fromEntries(
    Object.entries(counts).filter((entry): entry is [string, number] => Number.isFinite(entry[1])),
  );
}

export async function reconcileStep(
  message: SweepMessage,
  settings: ReconcileSettings,
  deps: ReconcileDeps,
): Promise<void> {
  if ('start' in message) {
    const sweepId = new Date(deps.clock()).toISOString();
    for (const domainId of settings.domainIds) {
      await deps.continueWith({ sweepId: `${sweepId}/${domainId}`, domainId, counts: NO_COUNTS });
    }
    return;
  }
  let cursor = message;
  const sweep = {
    domainId: cursor.domainId,
    owningProjectId: settings.owningProjectId,
    assetTypes: settings.supportedAssetTypes,
    publishedOnly: settings.publishedOnly,
    groups: generationGroups(settings.generationTypes),
    origin: 'reconciler' as const,
    retry: settings.retry,
    sweepId: cursor.sweepId,
    pageSize: settings.pageSize,
  };
  do {
    const page = await sweepPage(cursor.nextToken, sweep, deps);
    cursor = { ...cursor, nextToken: page.nextToken, counts: addCounts(cursor.counts, page.counts) };
    deps.pageSwept(cursor, page.counts, page.totalMatchCount);
    if (page.nextToken === undefined) {
      deps.sweepDone(cursor);
      return;
    }
  } while (deps.hasTimeForAPage());
  await deps.continueWith(cursor);
}
