// What became of a run: its dead letters, what is left in the source queue, the accounting of its events, of the
// outcome events of the runs it started and of the events the reconciler's sweep enqueued, the generation and
// reconcile sections, the summary.

import type { DataZoneSummary } from '../datazone/types.js';
import {
  type Accounting,
  accountFor,
  type DeadLetter,
  FINAL_OUTCOMES,
  type SentEvent,
} from './accounting.js';
import { deadLettersOf } from './dead-letters.js';
import type { Connection } from './endpoints.js';
import type { EventSourceResult, EventSourceSettings } from './event-source.js';
import { type GenerationSummary, generationOf } from './generation.js';
import type { NumberedEvent } from './lossy-bus.js';
import { type ReconcileSummary, reconcileSummary } from './reconcile-summary.js';
import type { SweepResult } from './reconciler-sweep.js';
import type { WorkerOutput } from './worker-output.js';

interface DeadLetterEntry extends DeadLetter {
  /** Whether it belongs to an event of this run. */
  readonly ofThisRun: boolean;
}

export interface ScenarioSummary {
  /** The invariant holds and the event source finished by draining the queue. */
  readonly ok: boolean;
  readonly events: number;
  readonly totals: Accounting['totals'];
  readonly violations: readonly string[];
  /** Runs at the local DataZone endpoint (all of the world's, not only this run's). */
  readonly runs?: { readonly total: number; readonly assetRevisions: number };
  /** Local endpoints: the runs' whole life, and what became of their outcome events. */
  readonly generation?: GenerationSummary;
  /** Local endpoints: the lossy bus, the reconciler's sweep, the eligible revisions left without a run. */
  readonly reconcile?: ReconcileSummary;
  readonly eventSource: Omit<EventSourceResult, 'reports'>;
  readonly dataZone?: DataZoneSummary & { readonly callsPerEvent: number };
  readonly sqs?: Record<string, number>;
  readonly metrics: Record<string, number>;
  readonly deadLetterQueue: readonly DeadLetterEntry[];
  readonly settings: {
    readonly endpoints: 'local' | 'external';
    readonly dataZoneUrl?: string;
    readonly sqsUrl?: string;
    readonly sourceQueueUrl: string;
    readonly deadLetterQueueUrl: string;
    readonly faults: string;
    readonly seed?: number;
    readonly batchSize: number;
    readonly batchingWindowMs: number;
    readonly concurrency: number;
    readonly functionTimeoutMs: number;
    readonly maxReceiveCount?: number;
    readonly workerEnv: Readonly<Record<string, string>>;
  };
}

/** A finished drain, as the runner saw it. */
export interface FinishedRun {
  readonly connection: Connection;
  readonly sent: readonly SentEvent[];
  /** The outcome events the local DataZone published onto the source queue. */
  readonly published: readonly SentEvent[];
  /** Runs whose outcome an earlier run against the same local world published. */
  readonly earlierRuns: ReadonlySet<string>;
  /** The run's events the bus lost (never sent). */
  readonly dropped: readonly NumberedEvent[];
  /** Whether --reconcile asked for a sweep; the sweep, when it ran, and the events it enqueued (as sent events). */
  readonly reconcile?: boolean;
  readonly sweep?: SweepResult;
  readonly reconciled: readonly SentEvent[];
  readonly eventSource: EventSourceResult;
  readonly output: WorkerOutput;
  readonly workerEnv: Readonly<Record<string, string>>;
  readonly settings: EventSourceSettings;
  readonly faults?: string;
  readonly seed?: number;
}

export interface Results {
  /** The run's own events. */
  readonly accounting: Accounting;
  /** The outcome events published while it ran. */
  readonly outcomeAccounting: Accounting;
  /** The events the reconciler's sweep enqueued. */
  readonly reconciledAccounting: Accounting;
  readonly summary: ScenarioSummary;
}

export async function collectResults(run: FinishedRun): Promise<Results> {
  const { connection, sent, published, reconciled, output } = run;
  const ids = new Set(
    [...sent, ...published, ...reconciled].flatMap((e) => (e.messageId === undefined ? [] : [e.messageId])),
  );
  const deadLetters = await deadLettersOf(connection);
  const relevant = (d: DeadLetter) =>
    ids.has(d.attributes.SourceMessageId ?? '') || (d.redrivenFrom !== undefined && ids.has(d.messageId));
  const deadLettersOfRun = deadLetters.filter(relevant);
  const leftInSource = leftInSourceQueue(run, ids, deadLettersOfRun);
  const { local } = connection;
  const account = (events: readonly SentEvent[]) =>
    accountFor({
      events,
      logs: output.logs(),
      deadLetters: deadLettersOfRun,
      ...(leftInSource === undefined ? {} : { leftInSource }),
      ...(local ? { runs: local.dataZone.runs } : {}),
    });
  const accounting = account(sent);
  const outcomeAccounting = account(published);
  const reconciledAccounting = account(reconciled);
  const generation = local
    ? generationOf({
        dataZone: local.dataZone,
        earlierRuns: run.earlierRuns,
        published,
        accounting: outcomeAccounting,
        workerEnv: run.workerEnv,
      })
    : undefined;
  const reconcile = local
    ? reconcileSummary({
        catalog: local.dataZone.catalog,
        runs: local.dataZone.runs,
        workerEnv: run.workerEnv,
        sent,
        dropped: run.dropped,
        requested: run.reconcile ?? false,
        sweep: run.sweep,
        reconciledAccounting,
      })
    : undefined;
  const deadLetterQueue = deadLetters.map((d) => ({ ...d, ofThisRun: relevant(d) }));
  const summary = summarize(run, accounting, { generation, reconcile }, deadLetterQueue);
  return { accounting, outcomeAccounting, reconciledAccounting, summary };
}

/** The message ids of this run still in the source queue, when they can be known. */
function leftInSourceQueue(
  { connection, eventSource, output }: FinishedRun,
  ids: ReadonlySet<string>,
  deadLettersOfRun: readonly DeadLetter[],
): Set<string> | undefined {
  const { local } = connection;
  if (local) return new Set(local.sqs.peek(local.sourceQueue).map((m) => m.messageId));
  if (eventSource.drained) return undefined;
  // A real queue cannot be listed: what has no final outcome and is not in the DLQ is taken as still there.
  const finished = new Set(
    output
      .logs()
      .filter((l) => FINAL_OUTCOMES.includes(String(l.outcome)))
      .map((l) => String(l.messageId)),
  );
  for (const d of deadLettersOfRun) finished.add(d.attributes.SourceMessageId ?? d.messageId);
  return new Set([...ids].filter((id) => !finished.has(id)));
}

function summarize(
  run: FinishedRun,
  accounting: Accounting,
  sections: {
    generation: GenerationSummary | undefined;
    reconcile: { section: ReconcileSummary; violations: string[] } | undefined;
  },
  deadLetterQueue: readonly DeadLetterEntry[],
): ScenarioSummary {
  const { local } = run.connection;
  const { sent, eventSource } = run;
  const { generation, reconcile } = sections;
  const violations = [
    ...accounting.violations,
    ...(generation?.violations ?? []),
    ...(reconcile?.violations ?? []),
  ];
  if (eventSource.stoppedBy !== undefined)
    violations.push(`the event source stopped early: ${eventSource.stoppedBy}`);
  const { reports: _reports, ...eventSourceTotals } = eventSource;
  const dzSummary = local?.dataZone.summary();
  return {
    ok: violations.length === 0,
    events: sent.length,
    totals: accounting.totals,
    violations,
    ...(local
      ? {
          runs: {
            total: local.dataZone.runs.length,
            assetRevisions: new Set(
              local.dataZone.runs.map((r) => `${r.domainId}/${r.target.identifier}@${r.target.revision}`),
            ).size,
          },
        }
      : {}),
    ...(generation === undefined ? {} : { generation }),
    ...(reconcile === undefined ? {} : { reconcile: reconcile.section }),
    eventSource: eventSourceTotals,
    ...(dzSummary === undefined
      ? {}
      : {
          dataZone: {
            ...dzSummary,
            callsPerEvent: sent.length === 0 ? 0 : Math.round((dzSummary.requests / sent.length) * 100) / 100,
          },
        }),
    ...(local ? { sqs: local.sqs.countsByOperation() } : {}),
    metrics: run.output.metrics(),
    deadLetterQueue,
    settings: settingsOf(run),
  };
}

/** The settings a run used, as the summary shows them (credentials left out). */
function settingsOf(run: FinishedRun): ScenarioSummary['settings'] {
  const { connection, settings } = run;
  const { local } = connection;
  return {
    endpoints: local ? 'local' : 'external',
    ...(local ? { dataZoneUrl: local.dataZone.url, sqsUrl: local.sqs.url } : {}),
    sourceQueueUrl: connection.sourceQueueUrl,
    deadLetterQueueUrl: connection.deadLetterQueueUrl,
    faults: run.faults ?? 'none',
    ...(run.seed === undefined ? {} : { seed: run.seed }),
    batchSize: settings.batchSize ?? 10,
    batchingWindowMs: settings.batchingWindowMs ?? 0,
    concurrency: settings.concurrency ?? 1,
    functionTimeoutMs: settings.functionTimeoutMs ?? 30_000,
    ...(local ? { maxReceiveCount: local.maxReceiveCount } : {}),
    workerEnv: Object.fromEntries(
      Object.entries(run.workerEnv).filter(
        ([name]) => !name.startsWith('AWS_SECRET') && !name.startsWith('AWS_ACCESS'),
      ),
    ),
  };
}
