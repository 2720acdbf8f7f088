// The whole life of the runs a local run started: how each ended at the local DataZone, what the worker made of
// its outcome event, and, per asset revision and generation group, the attempts and the final status. Its
// invariants: every run that ended has its outcome processed by the worker (none lost), no run is still waiting
// for an end the runner gave up waiting for, and each (revision, group, attempt) has at most one run, started
// with that attempt's own client token.
import { clientToken } from '../../../src/core/client-token.js';
import { type GenerationType, generationGroups, groupOf } from '../../../src/core/generation-types.js';
import { loadConfig } from '../../../src/runtime/config.js';
import type { LocalDataZone, MetadataGenerationRun } from '../datazone/types.js';
import type { Accounting, EventOutcome, EventStatus, SentEvent } from './accounting.js';

/** A run, as the generation section names it. */
interface RunLine {
  readonly runId: string;
  readonly assetRevision: string;
  readonly types: readonly string[];
  readonly status: string;
}

interface Attempt extends RunLine {
  /** From its client token; undefined when the token is no attempt's of its types. */
  readonly attempt: number | undefined;
  /** What the worker made of its outcome event(s). */
  readonly outcome: 'recorded' | 'dead-lettered' | 'in progress' | 'lost';
  /** The worker's word on it: why nothing more happens, the next attempt, or the DLQ's reason. */
  readonly detail?: string;
}

interface RevisionGeneration {
  readonly assetRevision: string;
  readonly group: readonly string[];
  /** The last attempt's status. */
  readonly finalStatus: string;
  readonly attempts: readonly Attempt[];
}

export interface GenerationSummary {
  readonly runs: number;
  /** Every run's status when the local run finished. */
  readonly byStatus: Readonly<Record<string, number>>;
  /** Runs that had not ended when the local run finished. */
  readonly inProgress: readonly RunLine[];
  /** The outcome events the local DataZone published, and what became of each. */
  readonly outcomeEvents: { readonly published: number; readonly totals: Record<EventStatus, number> };
  /** Runs that ended without an outcome event processed by the worker. */
  readonly lost: readonly RunLine[];
  readonly revisions: readonly RevisionGeneration[];
  /** Empty: every invariant of the runs holds. */
  readonly violations: readonly string[];
}

/** How the summary lists statuses: how runs end, best first, then the unfinished. */
const STATUS_ORDER = ['SUCCEEDED', 'PARTIALLY_SUCCEEDED', 'FAILED', 'CANCELED', 'IN_PROGRESS', 'SUBMITTED'];

export interface GenerationInput {
  readonly dataZone: LocalDataZone;
  /** Runs whose outcome an earlier local run published: counted for the attempts, not judged again. */
  readonly earlierRuns: ReadonlySet<string>;
  /** The outcome events delivered to the source queue, and their accounting (same order). */
  readonly published: readonly SentEvent[];
  readonly accounting: Accounting;
  readonly workerEnv: Readonly<Record<string, string>>;
}

export function generationOf(input: GenerationInput): GenerationSummary {
  const { dataZone, published, accounting, earlierRuns } = input;
  const config = loadConfig(input.workerEnv);
  const groups = generationGroups(config.generationTypes);
  const eventsByRun = new Map<string, EventOutcome[]>();
  published.forEach((event, i) => {
    const outcome = accounting.outcomes[i];
    if (event.runId === undefined || outcome === undefined) return;
    eventsByRun.set(event.runId, [...(eventsByRun.get(event.runId) ?? []), outcome]);
  });
  const violations = accounting.violations.map((v) => `outcome event ${v}`);
  const chains = new Map<string, Chain>();
  const byStatus: Record<string, number> = {};
  const inProgress: RunLine[] = [];
  const lost: RunLine[] = [];

  for (const run of dataZone.runs) {
    const line: RunLine = {
      runId: run.id,
      assetRevision: `${run.domainId}/${run.target.identifier}@${run.target.revision}`,
      types: run.types,
      status: dataZone.statusOf(run),
    };
    const attempt = attemptOf(run, config.maxRunAttempts);
    const group = groupOf(run.types, groups) ?? run.types;
    const key = `${line.assetRevision} ${group.join('+')}`;
    const chain = chains.get(key) ?? { assetRevision: line.assetRevision, group, attempts: [], ours: false };
    chains.set(key, chain);
    if (earlierRuns.has(run.id)) {
      chain.attempts.push({ ...line, attempt, outcome: 'recorded', detail: 'an earlier local run' });
      continue;
    }
    chain.ours = true;
    byStatus[line.status] = (byStatus[line.status] ?? 0) + 1;
    if (attempt === undefined)
      violations.push(`run ${run.id}: its client token is no attempt's of ${run.types.join(',')}`);
    const judged = judge(run, line, eventsByRun.get(run.id) ?? []);
    violations.push(...judged.violations);
    if (judged.attempt.outcome === 'in progress') inProgress.push(line);
    if (judged.attempt.outcome === 'lost') lost.push(line);
    chain.attempts.push({ ...judged.attempt, attempt });
  }

  const revisions = [...chains.values()]
    .filter((chain) => chain.ours)
    .sort(
      (a, b) =>
        a.assetRevision.localeCompare(b.assetRevision) || a.group.join().localeCompare(b.group.join()),
    )
    .map((chain) => {
      const attempts = [...chain.attempts].sort((a, b) => (a.attempt ?? 0) - (b.attempt ?? 0));
      violations.push(...duplicateAttempts(chain));
      const { ours: _, ...shown } = chain;
      return { ...shown, finalStatus: attempts.at(-1)?.status ?? 'none', attempts };
    });

  return {
    runs: Object.values(byStatus).reduce((sum, n) => sum + n, 0),
    byStatus: Object.fromEntries(
      Object.entries(byStatus).sort(([a], [b]) => STATUS_ORDER.indexOf(a) - STATUS_ORDER.indexOf(b)),
    ),
    inProgress,
    outcomeEvents: { published: published.length, totals: accounting.totals },
    lost,
    revisions,
    violations,
  };
}

interface Chain {
  readonly assetRevision: string;
  readonly group: readonly string[];
  readonly attempts: Attempt[];
  /** Whether a run of this local run belongs to it (else it is only an earlier run's, and not shown). */
  ours: boolean;
}

/** What became of a run's outcome: recorded, in the DLQ, still to come, or lost; and what is wrong with that. */
function judge(
  run: MetadataGenerationRun,
  line: RunLine,
  events: readonly EventOutcome[],
): { attempt: Omit<Attempt, 'attempt'>; violations: string[] } {
  const violations: string[] = [];
  for (const event of events) {
    if (event.status === 'run-ended' && event.runId !== run.id)
      violations.push(`#${event.index} ${event.label}: the worker recorded run ${event.runId} instead`);
  }
  if (line.status === 'SUBMITTED' || line.status === 'IN_PROGRESS') {
    // A run that was to end by itself and did not: the runner stopped waiting for it.
    if (run.end.at !== undefined && run.statusOverride === undefined)
      violations.push(`run ${run.id} (${line.assetRevision}) still ${line.status}: its outcome never came`);
    return { attempt: { ...line, outcome: 'in progress' }, violations };
  }
  const processed = events.find((e) => e.status === 'run-ended' || e.status === 'dead-lettered');
  if (processed === undefined) {
    violations.push(
      `run ${run.id} (${line.assetRevision} ${run.types.join(',')}) ended ${line.status}, ` +
        'but no outcome event of it was processed by the worker: its outcome was lost',
    );
    return { attempt: { ...line, outcome: 'lost' }, violations };
  }
  const outcome = processed.status === 'run-ended' ? 'recorded' : 'dead-lettered';
  const detail = detailOf(processed);
  return { attempt: { ...line, outcome, ...(detail === undefined ? {} : { detail }) }, violations };
}

function duplicateAttempts(chain: Chain): string[] {
  const byAttempt = new Map<number, string[]>();
  for (const a of chain.attempts) {
    if (a.attempt !== undefined) byAttempt.set(a.attempt, [...(byAttempt.get(a.attempt) ?? []), a.runId]);
  }
  return [...byAttempt]
    .filter(([, runIds]) => runIds.length > 1)
    .map(
      ([attempt, runIds]) =>
        `${chain.assetRevision} ${chain.group.join('+')} attempt ${attempt} has ${runIds.length} runs: ${runIds.join(', ')}`,
    );
}

/** Which attempt a run's client token is, for its own types (a retry runs the types that failed). */
function attemptOf(run: MetadataGenerationRun, maxRunAttempts: number): number | undefined {
  for (let attempt = 1; attempt <= maxRunAttempts; attempt++) {
    const token = clientToken({
      domainId: run.domainId,
      assetId: run.target.identifier,
      revision: run.target.revision,
      generationTypes: run.types as readonly GenerationType[],
      attempt,
    });
    if (token === run.clientToken) return attempt;
  }
  return undefined;
}

function detailOf(event: EventOutcome): string | undefined {
  if (event.status === 'dead-lettered') return `DLQ: ${event.reason ?? ''}`;
  if (event.nextRun !== undefined) return `attempt ${event.nextRun.attempt}: run ${event.nextRun.runId}`;
  return event.reason;
}
