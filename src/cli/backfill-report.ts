/** What the backfill command prints: a progress line as it goes, and the final table. */
import type { MissingRevision } from '../core/reconciliation.js';
import type { SweepCounts } from '../sweep/sweep.js';

const BAR_WIDTH = 24;

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'unknown';
  const s = Math.round(seconds);
  if (s < 90) return `${s}s`;
  if (s < 5400) return `${Math.round(s / 60)}m`;
  return `${(s / 3600).toFixed(1)}h`;
}

/** One line: a bar when the total is known, the counts, and the time left at the configured rate. */
export function progressLine(counts: SweepCounts, total: number | undefined, secondsLeft: number): string {
  const done = counts.assetsScanned;
  const share = total === undefined || total === 0 ? undefined : Math.min(1, done / total);
  const bar =
    share === undefined ? '' : `[${'#'.repeat(Math.round(share * BAR_WIDTH)).padEnd(BAR_WIDTH, '.')}] `;
  const of = total === undefined ? `${done} assets` : `${done}/${total} assets`;
  return `${bar}${of} · ${counts.revisionsMissing} missing · ${counts.enqueued} enqueued · about ${duration(secondsLeft)} left`;
}

export function summaryTable(counts: SweepCounts, dryRun: boolean): string {
  const rows: [string, number][] = [
    ['assets scanned', counts.assetsScanned],
    ['revisions already covered', counts.revisionsCovered],
    [dryRun ? 'revisions missing (not enqueued: dry run)' : 'revisions missing', counts.revisionsMissing],
    ['enqueued', counts.enqueued],
    ['failed runs re-enqueued', counts.failedRunsRequeued],
    ['skipped by type', counts.skippedByType],
    ['skipped, not published', counts.skippedUnpublished],
    ['errors', counts.errors],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${String(value).padStart(8)}`).join('\n');
}

/** A dry run's line for each revision it would enqueue. */
export function missingLine(missing: MissingRevision): string {
  const groups = missing.groups.map((group) => group.join('+')).join(', ');
  return `would enqueue ${missing.domainId} ${missing.assetId} revision ${missing.revision}: ${groups}`;
}
