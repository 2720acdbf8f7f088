// What became of a run: its dead letters, what is left in the source queue, the accounting, the summary.

import type { DataZoneSummary } from '../datazone/types.js';
import { type Accounting, accountFor, type DeadLetter, type SentEvent } from './accounting.js';
import { deadLettersOf } from './dead-letters.js';
import type { Connection } from './endpoints.js';
import type { EventSourceResult, EventSourceSettings } from './event-source.js';
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
  readonly eventSource: EventSourceResult;
  readonly output: WorkerOutput;
  readonly workerEnv: Readonly<Record<string, string>>;
  readonly settings: EventSourceSettings;
  readonly faults?: string;
  readonly seed?: number;
}

export async function collectResults(
  run: FinishedRun,
): Promise<{ readonly accounting: Accounting; readonly summary: ScenarioSummary }> {
  const { connection, sent, output } = run;
  const ids = new Set(sent.flatMap((e) => (e.messageId === undefined ? [] : [e.messageId])));
  const deadLetters = await deadLettersOf(connection);
  const relevant = (d: DeadLetter) =>
    ids.has(d.attributes.SourceMessageId ?? '') || (d.redrivenFrom !== undefined && ids.has(d.messageId));
  const deadLettersOfRun = deadLetters.filter(relevant);
  const leftInSource = leftInSourceQueue(run, ids, deadLettersOfRun);
  const accounting = accountFor({
    events: sent,
    logs: output.logs(),
    deadLetters: deadLettersOfRun,
    ...(leftInSource === undefined ? {} : { leftInSource }),
    ...(connection.local ? { runs: connection.local.dataZone.runs } : {}),
  });
  const deadLetterQueue = deadLetters.map((d) => ({ ...d, ofThisRun: relevant(d) }));
  return { accounting, summary: summarize(run, accounting, deadLetterQueue) };
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
      .filter((l) => ['started', 'already-exists', 'skipped', 'dead-letter'].includes(String(l.outcome)))
      .map((l) => String(l.messageId)),
  );
  for (const d of deadLettersOfRun) finished.add(d.attributes.SourceMessageId ?? d.messageId);
  return new Set([...ids].filter((id) => !finished.has(id)));
}

function summarize(
  run: FinishedRun,
  accounting: Accounting,
  deadLetterQueue: readonly DeadLetterEntry[],
): ScenarioSummary {
  const { local } = run.connection;
  const { sent, eventSource } = run;
  const violations = [...accounting.violations];
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
