/**
 * The DLQ at a glance, without I/O: dead letters counted by reason, by reason, domain and detail-type, and by age,
 * each group with its oldest and newest, and when SQS will delete the oldest.
 */
import type { DeadLetter, Reason } from './triage.js';

interface Span {
  readonly count: number;
  /** SentTimestamp of the oldest and newest dead letter (ms). */
  readonly oldest: number;
  readonly newest: number;
}

interface ReasonCount extends Span {
  readonly reason: Reason;
}

interface Group extends Span {
  readonly reason: Reason;
  readonly domain: string;
  readonly detailType: string;
}

interface AgeBucket {
  readonly label: string;
  readonly count: number;
}

export interface Summary {
  /** Messages read, copies included. */
  readonly messages: number;
  readonly deadLetters: number;
  readonly reasons: readonly ReasonCount[];
  readonly groups: readonly Group[];
  readonly ages: readonly AgeBucket[];
  /** When SQS deletes the oldest dead letter (ms), if there is one. */
  readonly oldestExpiresAt: number | undefined;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Upper bounds of the age buckets. */
const AGE_BUCKETS: ReadonlyArray<readonly [string, number]> = [
  ['< 1 h', HOUR],
  ['1 h – 1 d', DAY],
  ['1 d – 7 d', 7 * DAY],
  ['≥ 7 d', Number.POSITIVE_INFINITY],
];

const NONE = '(none)';

function span(deadLetters: readonly DeadLetter[]): Span {
  const times = deadLetters.map((deadLetter) => deadLetter.sentAt);
  return { count: deadLetters.length, oldest: Math.min(...times), newest: Math.max(...times) };
}

/** Largest first, then oldest first: the groups that matter most, and the ones that expire soonest. */
const byWeight = (a: Span, b: Span) => b.count - a.count || a.oldest - b.oldest;

export function summarise(
  deadLetters: readonly DeadLetter[],
  now: number,
  retentionSeconds: number,
): Summary {
  const byReason = Map.groupBy(deadLetters, (deadLetter) => deadLetter.reason.id);
  const reasons = [...byReason.values()].map((members) => ({
    reason: (members[0] as DeadLetter).reason,
    ...span(members),
  }));
  const byGroup = Map.groupBy(deadLetters, (deadLetter) =>
    JSON.stringify([deadLetter.reason.id, deadLetter.domain ?? NONE, deadLetter.detailType ?? NONE]),
  );
  const groups = [...byGroup.values()].map((members) => {
    const first = members[0] as DeadLetter;
    return {
      reason: first.reason,
      domain: first.domain ?? NONE,
      detailType: first.detailType ?? NONE,
      ...span(members),
    };
  });
  const oldest = deadLetters.length === 0 ? undefined : Math.min(...deadLetters.map((d) => d.sentAt));
  return {
    messages: deadLetters.reduce((sum, deadLetter) => sum + deadLetter.copies.length, 0),
    deadLetters: deadLetters.length,
    reasons: reasons.sort(byWeight),
    groups: groups.sort(byWeight),
    ages: ageBuckets(deadLetters, now),
    oldestExpiresAt: oldest === undefined ? undefined : oldest + retentionSeconds * 1000,
  };
}

function ageBuckets(deadLetters: readonly DeadLetter[], now: number): AgeBucket[] {
  const bucketOf = deadLetters.map(({ sentAt }) =>
    AGE_BUCKETS.findIndex(([, below]) => now - sentAt < below),
  );
  return AGE_BUCKETS.map(([label], index) => ({
    label,
    count: bucketOf.filter((bucket) => bucket === index).length,
  }));
}
