// The readable summary of a local run: per event what became of it, totals, the runs' whole life, the reconcile
// section, the endpoints' view, the DLQ.
import type { EventOutcome, EventStatus } from './accounting.js';
import type { GenerationSummary } from './generation.js';
import { reconcileLines } from './reconcile-summary.js';
import type { ScenarioResult } from './scenario.js';

const STATUS_LABEL: Record<EventStatus, string> = {
  started: 'started',
  'already-exists': 'already existing',
  skipped: 'skipped',
  'run-ended': 'run ended',
  'dead-lettered': 'in the DLQ',
  unaccounted: 'UNACCOUNTED',
};

const excerpt = (text: string, max: number): string => {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
};

const entries = (counts: Readonly<Record<string, number | undefined>>): string =>
  Object.entries(counts)
    .filter(([, n]) => n !== undefined && n > 0)
    .map(([name, n]) => `${name} ${Math.round((n ?? 0) * 1000) / 1000}`)
    .join(', ') || 'none';

function detailLines(outcome: EventOutcome, firstRunOwner: ReadonlyMap<string, number>): string[] {
  const lines: string[] = [];
  const target = outcome.target
    ? `${outcome.target.domainId}/${outcome.target.assetId}${outcome.target.revision ? `@${outcome.target.revision}` : ''}`
    : undefined;
  switch (outcome.status) {
    case 'started': {
      const owner = outcome.runId === undefined ? undefined : firstRunOwner.get(outcome.runId);
      const replay =
        owner !== undefined && owner !== outcome.index ? ` (same run as #${owner}: token replayed)` : '';
      lines.push(`run ${outcome.runId ?? '?'}${replay}${target ? `  ${target}` : ''}`);
      break;
    }
    case 'already-exists':
      lines.push(`${outcome.reason ?? ''}${target ? `  ${target}` : ''}`);
      break;
    case 'skipped':
      lines.push(`${outcome.reason ?? ''}`);
      break;
    case 'run-ended': {
      const next = outcome.nextRun;
      const then = next === undefined ? (outcome.reason ?? '') : `attempt ${next.attempt}: run ${next.runId}`;
      lines.push(
        `run ${outcome.runId ?? '?'} ${outcome.runStatus ?? '?'} → ${then}${target ? `  ${target}` : ''}`,
      );
      break;
    }
    case 'dead-lettered':
      lines.push(
        `${outcome.deadLetteredBy === 'redrive' ? 'redrive' : 'worker'}: ${excerpt(outcome.reason ?? '', 160)}`,
      );
      break;
    case 'unaccounted':
      lines.push(
        outcome.errorName
          ? `last error ${outcome.errorName}: ${excerpt(outcome.errorMessage ?? '', 100)}`
          : '',
      );
      break;
  }
  if (outcome.clientToken) lines.push(`token ${outcome.clientToken}`);
  for (const problem of outcome.problems) lines.push(`PROBLEM: ${problem}`);
  return lines.filter((line) => line !== '');
}

export function formatSummary(result: ScenarioResult): string {
  const { summary, outcomes, outcomeEvents, reconciledEvents } = result;
  const s = summary.settings;
  const out: string[] = [];
  const rule = '─'.repeat(100);
  out.push('', rule, 'Summary', rule);
  out.push(
    `endpoints: ${s.endpoints === 'local' ? `local DataZone ${s.dataZoneUrl}, local SQS ${s.sqsUrl} (virtual time)` : 'external (real time)'}`,
    `faults: ${s.faults}${s.seed === undefined ? '' : `, seed ${s.seed}`}; batch size ${s.batchSize}, batching window ${s.batchingWindowMs} ms, ` +
      `concurrency ${s.concurrency}, function timeout ${s.functionTimeoutMs / 1000} s` +
      (s.maxReceiveCount === undefined ? '' : `, maxReceiveCount ${s.maxReceiveCount}`),
    '',
  );

  const firstRunOwner = new Map<string, number>();
  for (const o of outcomes)
    if (o.runId !== undefined && !firstRunOwner.has(o.runId)) firstRunOwner.set(o.runId, o.index);
  const everyEvent = [...outcomes, ...outcomeEvents, ...reconciledEvents];
  const width = Math.max(...everyEvent.map((o) => o.label.length), 10);
  const row = (o: EventOutcome) => {
    const deliveries = o.deliveries > 1 ? ` (${o.deliveries} deliveries)` : '';
    out.push(
      `${String(o.index).padStart(3)}  ${o.label.padEnd(width)}  ${STATUS_LABEL[o.status]}${deliveries}`,
    );
    for (const line of detailLines(o, firstRunOwner)) out.push(`${' '.repeat(8)}${line}`);
  };
  outcomes.forEach(row);
  if (outcomeEvents.length > 0) {
    out.push('', 'outcome events the local DataZone published as runs ended:');
    outcomeEvents.forEach(row);
  }
  if (reconciledEvents.length > 0) {
    out.push('', "events the reconciler's sweep enqueued:");
    reconciledEvents.forEach(row);
  }

  const t = summary.totals;
  out.push(
    '',
    `events: ${summary.events} — ${t.started} started, ${t['already-exists']} already existing, ${t.skipped} skipped, ` +
      `${t['dead-lettered']} in the DLQ, ${t.unaccounted} unaccounted` +
      (result.dropped.length > 0 ? `; ${result.dropped.length} more lost on the bus, never sent` : ''),
  );
  const redriven = outcomes.filter((o) => o.deadLetteredBy === 'redrive');
  if (redriven.length > 0) {
    const causes = [...new Set(redriven.map((o) => o.errorName ?? 'no outcome logged'))].join(', ');
    out.push(
      `note: ${redriven.length} event(s) reached the DLQ through the redrive policy: their transient errors ` +
        `(${causes}) outlasted ${s.maxReceiveCount ?? 'maxReceiveCount'} receives; redrive them once the cause is gone`,
    );
  }
  if (t['run-ended'] > 0) out.push(`of which ${t['run-ended']} run outcome(s) recorded`);
  if (summary.generation) out.push(...generationLines(summary.generation));
  else if (summary.runs) {
    out.push(
      `runs at the DataZone endpoint: ${summary.runs.total} for ${summary.runs.assetRevisions} asset revision(s)`,
    );
  }
  if (summary.reconcile) out.push(...reconcileLines(summary.reconcile));
  const es = summary.eventSource;
  out.push(
    `event source: ${es.invocations} invocation(s) (${entries(es.verdicts)}), ${es.records} record(s) delivered, ` +
      `${es.deleted} deleted, ${es.handedBack} handed back; ${es.receives} ReceiveMessage call(s)`,
    `time: ${(es.realMs / 1000).toFixed(2)} s real` +
      (s.endpoints === 'local'
        ? `, ${(es.virtualSkippedMs / 1000).toFixed(1)} s of virtual time skipped in ${es.virtualSkips} jump(s)`
        : '') +
      (es.drained ? '; source queue drained' : '') +
      (es.stoppedBy ? `; STOPPED: ${es.stoppedBy}` : ''),
  );
  if (summary.dataZone) {
    const dz = summary.dataZone;
    out.push(
      `DataZone: ${dz.requests} request(s), ${dz.callsPerEvent} per event (${entries(dz.byOperation)}); ` +
        `errors: ${entries(dz.byError)}; dropped connections ${dz.dropped}; token replays ${dz.replays}`,
    );
  }
  if (summary.sqs) out.push(`SQS: ${entries(summary.sqs)}`);
  out.push(`worker metrics: ${entries(summary.metrics)}`);

  const dlq = summary.deadLetterQueue;
  out.push('', `dead-letter queue: ${dlq.length} message(s)`);
  const indexOf = (d: (typeof dlq)[number]) =>
    everyEvent.find((o) => o.messageId === (d.attributes.SourceMessageId ?? d.messageId))?.index;
  const ordered = [...dlq].sort(
    (a, b) => (indexOf(a) ?? Number.MAX_SAFE_INTEGER) - (indexOf(b) ?? Number.MAX_SAFE_INTEGER),
  );
  for (const d of ordered) {
    const index = indexOf(d);
    const who =
      d.redrivenFrom === undefined
        ? 'sent by the worker'
        : `redriven by SQS after ${d.receiveCount} receives`;
    out.push(`  - ${index === undefined ? '(not from this run)' : `#${index}`} ${d.messageId} ${who}`);
    if (d.attributes.ErrorName !== undefined) {
      out.push(`      ErrorName: ${d.attributes.ErrorName}`);
      out.push(`      ErrorMessage: ${excerpt(d.attributes.ErrorMessage ?? '', 200)}`);
    }
    out.push(`      body (${Buffer.byteLength(d.body)} bytes): ${excerpt(d.body, 120)}`);
  }

  out.push('');
  if (summary.ok) {
    const held = ['every event accounted for exactly once'];
    if (summary.generation)
      held.push(
        "every run's outcome processed by the worker",
        'one run per asset revision, group and attempt',
      );
    if (summary.reconcile?.swept)
      held.push('after the sweep, every eligible revision has a run of every group');
    out.push(`OK: ${held.join('; ')}.`);
  } else {
    out.push(`FAILED: ${summary.violations.length} problem(s):`);
    for (const v of summary.violations) out.push(`  - ${v}`);
  }
  out.push('');
  return out.join('\n');
}

/** The generation section: runs by status, their outcome events, and each revision's attempts. */
function generationLines(g: GenerationSummary): string[] {
  const o = g.outcomeEvents.totals;
  const lines = [
    '',
    `generation: ${g.runs} run(s) at the DataZone endpoint — ${entries(g.byStatus)}; ` +
      `${g.inProgress.length} in progress at the end`,
    `outcome events: ${g.outcomeEvents.published} published by DataZone — ${o['run-ended']} run ended, ` +
      `${o['dead-lettered']} in the DLQ, ${o.unaccounted} unaccounted; ${g.lost.length} outcome(s) lost`,
  ];
  for (const r of g.revisions) {
    const tries = r.attempts.length > 1 ? ` after ${r.attempts.length} attempts` : '';
    lines.push(`  ${r.assetRevision}  ${r.group.join('+')}  ${r.finalStatus}${tries}`);
    for (const a of r.attempts) {
      const types = a.types.join('+') === r.group.join('+') ? '' : `  [${a.types.join('+')}]`;
      // The worker's reason for a run that ended as it should is its status again: nothing to add.
      const what =
        a.outcome === 'lost'
          ? 'OUTCOME LOST'
          : a.outcome === 'in progress'
            ? 'in progress'
            : a.detail === `status ${a.status}`
              ? 'recorded'
              : excerpt(a.detail ?? '', 110);
      lines.push(`      attempt ${a.attempt ?? '?'}  run ${a.runId}${types}  ${a.status}  ${what}`);
    }
  }
  return lines;
}
