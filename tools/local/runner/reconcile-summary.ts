// The summary's reconcile section: what the lossy bus lost, what the reconciler's sweep found and enqueued and
// what became of those events, and the eligible revisions (missed-revisions.ts) left without a run of a group.
// Its invariants: a sweep that stops is a failure; after a sweep no eligible revision is missed; without one, a
// revision whose every event the bus lost is missed, and that fails the run too (events were lost and nothing made
// up for them). A revision no event named is reported, not held against a run without a sweep.
import { NO_COUNTS, type SweepCounts } from '../../../src/sweep/sweep.js';
import type { Catalog } from '../datazone/catalog.js';
import type { MetadataGenerationRun } from '../datazone/types.js';
import type { Accounting, EventStatus, SentEvent } from './accounting.js';
import type { NumberedEvent } from './lossy-bus.js';
import { type MissedRevision, revisionsOwed } from './missed-revisions.js';
import type { DomainSweep, SweepResult } from './reconciler-sweep.js';

export interface ReconcileSummary extends SweepCounts {
  /** Whether a sweep was asked for (--reconcile). */
  readonly requested: boolean;
  /** Whether the reconciler's sweep ran: asked for, once the source queue had drained. */
  readonly swept: boolean;
  /** Each domain swept; the counts above are their sum. */
  readonly domains: readonly DomainSweep[];
  /** What became of the events the sweep enqueued. */
  readonly reconciledEvents: Record<EventStatus, number>;
  /** The run's events the bus lost before the source queue. */
  readonly droppedEvents: readonly { readonly index: number; readonly label: string }[];
  readonly eligibleRevisions: number;
  /** Eligible revisions without a run of every group at the end. */
  readonly missed: readonly MissedRevision[];
}

export interface ReconcileInput {
  readonly catalog: Catalog;
  readonly runs: readonly MetadataGenerationRun[];
  readonly workerEnv: Readonly<Record<string, string>>;
  readonly sent: readonly SentEvent[];
  readonly dropped: readonly NumberedEvent[];
  readonly requested: boolean;
  /** Undefined when no sweep ran. */
  readonly sweep: SweepResult | undefined;
  readonly reconciledAccounting: Accounting;
}

export function reconcileSummary(input: ReconcileInput): {
  section: ReconcileSummary;
  violations: string[];
} {
  const { sweep } = input;
  const owed = revisionsOwed({
    catalog: input.catalog,
    runs: input.runs,
    workerEnv: input.workerEnv,
    events: [
      ...input.sent.map((e) => ({ index: e.index, body: e.body, dropped: false })),
      ...input.dropped.map((e) => ({ index: e.index, body: e.body, dropped: true })),
    ],
  });
  const violations = [
    ...(input.requested && sweep === undefined ? ['no sweep: the source queue never drained'] : []),
    ...(sweep?.domains ?? []).flatMap((d) =>
      d.failure === undefined ? [] : [`the sweep of ${d.domainId} stopped: ${d.failure}`],
    ),
    ...input.reconciledAccounting.violations.map((v) => `reconciled event ${v}`),
    ...owed.missed
      .filter((m) => sweep !== undefined || m.cause === 'events-lost')
      .map((m) => `${m.assetRevision}: no run of ${groupsText(m)}: ${causeText(m)}${advice(m, sweep)}`),
  ];
  return {
    section: {
      requested: input.requested,
      swept: sweep !== undefined,
      ...(sweep?.counts ?? NO_COUNTS),
      domains: sweep?.domains ?? [],
      reconciledEvents: input.reconciledAccounting.totals,
      droppedEvents: input.dropped.map(({ index, label }) => ({ index, label })),
      eligibleRevisions: owed.eligible,
      missed: owed.missed,
    },
    violations,
  };
}

const groupsText = (m: MissedRevision) => m.groups.map((g) => g.join('+')).join(', ');
const numbers = (events: MissedRevision['events']) => events.map((e) => `#${e.index}`).join(', ');

function causeText(m: MissedRevision): string {
  switch (m.cause) {
    case 'events-lost':
      return `its event(s) ${numbers(m.events)} lost on the bus`;
    case 'no-event':
      return 'no event named it';
    case 'not-started':
      return `event(s) ${numbers(m.events.filter((e) => !e.dropped))} reached the queue and started none`;
  }
}

const advice = (m: MissedRevision, sweep: SweepResult | undefined) =>
  sweep === undefined && m.cause === 'events-lost' ? '; --reconcile sweeps it up' : '';

/** The section as the text summary prints it. */
export function reconcileLines(r: ReconcileSummary): string[] {
  const lines = [''];
  if (r.swept) {
    const e = r.reconciledEvents;
    lines.push(
      `reconcile: swept ${r.domains.map((d) => d.domainId).join(', ') || 'no domain'} once the queue drained — ` +
        `${r.assetsScanned} asset(s) scanned, ${r.revisionsCovered} revision(s) covered, ` +
        `${r.revisionsMissing} missing, ${r.enqueued} enqueued (${r.skippedByType} skipped by type, ` +
        `${r.skippedUnpublished} unpublished, ${r.errors} error(s))`,
      `reconciled events: ${e.started} started, ${e['already-exists']} already existing, ${e.skipped} skipped, ` +
        `${e['dead-lettered']} in the DLQ, ${e.unaccounted} unaccounted`,
    );
    for (const d of r.domains.filter((d) => d.failure !== undefined))
      lines.push(`  SWEEP OF ${d.domainId} STOPPED: ${d.failure}`);
  } else if (r.requested) {
    lines.push('reconcile: NOT RUN: the source queue never drained');
  } else {
    lines.push("reconcile: not run (--reconcile sweeps the events' domains once the queue drains)");
  }
  if (r.droppedEvents.length > 0) {
    lines.push(
      `lossy bus: ${r.droppedEvents.length} event(s) lost before the source queue: ` +
        r.droppedEvents.map((d) => `#${d.index}`).join(', '),
    );
  }
  lines.push(
    `eligible revisions: ${r.eligibleRevisions} (current revisions of the supported assets in the events' ` +
      `domains); ${r.missed.length} without a run of every group`,
  );
  for (const m of r.missed) lines.push(`  ${m.assetRevision}  ${groupsText(m)}  ${causeText(m)}`);
  return lines;
}
