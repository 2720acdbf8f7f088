/** What `npm run dlq` prints: plain text for a terminal, aligned columns, durations a person reads at a glance. */
import type { QueueFacts } from './queue.js';
import { refusalOf } from './refusals.js';
import type { Summary } from './summary.js';
import type { DeadLetter, Reason } from './triage.js';

const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/** The two largest units: "3d 4h", "5m 2s", "0s". */
export function formatDuration(ms: number): string {
  let rest = Math.max(0, Math.floor(ms));
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || parts.length > 0) parts.push(`${count}${unit}`);
    if (parts.length === 2) break;
  }
  return parts.filter((part) => !part.startsWith('0')).join(' ') || '0s';
}

const plural = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;

const reasonLabel = (reason: Reason): string =>
  `${reason.name} (${reason.kind})${reason.message ? `: ${reason.message}` : ''}`;

function table(rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number>): string[] {
  // The widest cell of each column.
  const widths = rows.reduce<number[]>(
    (widest, row) => row.map((cell, column) => Math.max(cell.length, widest[column] ?? 0)),
    [],
  );
  return rows.map((row) =>
    row
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return rightAligned.has(column) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd(),
  );
}

export function summaryLines(
  queueUrl: string,
  facts: QueueFacts,
  summary: Summary,
  now: number,
  truncated: boolean,
): string[] {
  const collapsed = summary.messages - summary.deadLetters;
  const lines = [
    `${queueUrl}: ${plural(summary.messages, 'message', 'messages')} read, ` +
      plural(summary.deadLetters, 'dead letter', 'dead letters') +
      (collapsed > 0 ? ` (${plural(collapsed, 'duplicate copy', 'duplicate copies')} shown once)` : ''),
    `SQS counted ${facts.visible} visible and ${facts.inFlight} in flight before the read` +
      (facts.inFlight > 0 ? ': messages in flight (being read elsewhere) were not read' : ''),
  ];
  if (truncated) lines.push('Stopped at --max: the queue may hold more than was read.');
  if (summary.oldestExpiresAt === undefined) return [...lines, 'The dead-letter queue is empty.'];
  lines.push(
    `Oldest dead letter: SQS deletes it in ${formatDuration(summary.oldestExpiresAt - now)} ` +
      `(retention ${formatDuration(facts.retentionSeconds * 1000)} from its first enqueue).`,
    '',
    'Reasons:',
    ...table(
      [
        ['  id', 'count', 'oldest', 'reason'],
        ...summary.reasons.map((r) => [
          `  ${r.reason.id}`,
          String(r.count),
          formatDuration(now - r.oldest),
          reasonLabel(r.reason) + (refusalOf(r.reason) ? '  [redrive needs --force]' : ''),
        ]),
      ],
      new Set([1, 2]),
    ),
    '',
    'Groups (reason, domain, detail-type):',
    ...table(
      [
        ['  reason', 'count', 'oldest', 'newest', 'domain', 'detail-type'],
        ...summary.groups.map((g) => [
          `  ${g.reason.id}`,
          String(g.count),
          formatDuration(now - g.oldest),
          formatDuration(now - g.newest),
          g.domain,
          g.detailType,
        ]),
      ],
      new Set([1, 2, 3]),
    ),
    '',
    `Ages: ${summary.ages.map((bucket) => `${bucket.label}: ${bucket.count}`).join(' · ')}`,
    '',
    'Next: npm run dlq -- show --reason <id>, then redrive --reason <id> [--dry-run] or delete --reason <id>.',
  );
  return lines;
}

export function showLines(deadLetters: readonly DeadLetter[], now: number): string[] {
  const lines = [`${deadLetters.length} dead letters:`];
  for (const deadLetter of deadLetters) {
    const [first, ...others] = deadLetter.copies;
    lines.push(
      '',
      `${deadLetter.reason.id} ${reasonLabel(deadLetter.reason)}`,
      `  asset ${deadLetter.assetId ?? '(none)'} · domain ${deadLetter.domain ?? '(none)'} · ` +
        `${deadLetter.detailType ?? '(no detail-type)'} · sent ${new Date(deadLetter.sentAt).toISOString()} ` +
        `(${formatDuration(now - deadLetter.sentAt)} ago)`,
      `  message ${first.messageId}${first.movedFrom ? ` (moved from ${first.movedFrom})` : ''}` +
        (others.length > 0 ? `; duplicate copies: ${others.map((m) => m.messageId).join(', ')}` : ''),
      ...Object.entries(first.attributes).map(([name, value]) => `  ${name}: ${value}`),
      `  body: ${first.body}`,
    );
  }
  return lines;
}

/** One JSON object per message (copies included): what to keep before SQS deletes it. */
export function showJsonLines(deadLetters: readonly DeadLetter[]): string[] {
  return deadLetters.flatMap((deadLetter) =>
    deadLetter.copies.map((copy) =>
      JSON.stringify({
        reasonId: deadLetter.reason.id,
        messageId: copy.messageId,
        sentTimestamp: copy.sentAt,
        // Left out when undefined: JSON.stringify drops the key.
        movedFrom: copy.movedFrom,
        attributes: copy.attributes,
        body: copy.body,
      }),
    ),
  );
}
