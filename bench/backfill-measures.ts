/**
 * What the backfill benchmark computes from what the endpoints recorded: live events' latencies, their
 * percentiles, a caller's request rate, and the backfill command's final counts. No I/O.
 */

/** Nearest-rank percentile (`p` in (0, 100]) of a series: a value that occurred; NaN for an empty series. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

export interface SentEvent {
  readonly assetId: string;
  readonly revision: string;
  /** When it was put on the source queue (epoch ms, the endpoints' clock). */
  readonly sentAt: number;
}

interface StartedRun {
  readonly domainId: string;
  readonly target: { readonly identifier: string; readonly revision: string };
  /** Epoch ms, the endpoints' clock. */
  readonly createdAt: number;
}

/**
 * Each sent event's latency, in the order sent: from its send to the creation of the run for its revision (ms).
 * Throws unless every event has exactly one run in `domainId`: a latency of the wrong run would measure nothing.
 */
export function latencies(
  sent: readonly SentEvent[],
  runs: readonly StartedRun[],
  domainId: string,
): number[] {
  const runsOf = new Map<string, StartedRun[]>();
  for (const run of runs) {
    if (run.domainId !== domainId) continue;
    const key = `${run.target.identifier}@${run.target.revision}`;
    runsOf.set(key, [...(runsOf.get(key) ?? []), run]);
  }
  return sent.map((event) => {
    const found = runsOf.get(`${event.assetId}@${event.revision}`) ?? [];
    const [run] = found;
    if (run === undefined || found.length > 1) {
      throw new Error(`${found.length} runs for ${event.assetId} revision ${event.revision}, expected one`);
    }
    return run.createdAt - event.sentAt;
  });
}

/**
 * For each page of `pageSize` whose every asset got a run by `until`: the time from its first run to its last (ms),
 * in page order. `pageOf` gives an asset's page (its place in Search's order, divided by the page size).
 */
export function pageSpans(
  runs: readonly StartedRun[],
  pageOf: (assetId: string) => number | undefined,
  pageSize: number,
  until = Number.POSITIVE_INFINITY,
): number[] {
  const pages = new Map<number, number[]>();
  for (const run of runs) {
    const page = pageOf(run.target.identifier);
    if (page !== undefined) pages.set(page, [...(pages.get(page) ?? []), run.createdAt]);
  }
  return [...pages.entries()]
    .filter(([, times]) => times.length === pageSize && times.every((at) => at <= until))
    .sort(([a], [b]) => a - b)
    .map(([, times]) => Math.max(...times) - Math.min(...times));
}

/**
 * Requests per second between a caller's first and last request: n requests at exactly r per second span
 * (n - 1) / r seconds. NaN for fewer than two.
 */
export function averageRate(times: readonly number[]): number {
  if (times.length < 2) return Number.NaN;
  const span = Math.max(...times) - Math.min(...times);
  return span > 0 ? ((times.length - 1) * 1000) / span : Number.NaN;
}

/** The most requests in any window of `windowMs` (half-open), per second. */
export function peakRate(times: readonly number[], windowMs = 1000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= windowMs) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return (most * 1000) / windowMs;
}

export interface SentBatch {
  readonly at: number;
  readonly entries: number;
}

/**
 * How many events a sender put on a queue at once: its batches, in order, each less than `gapMs` after the one
 * before counting as one burst.
 */
export function burstSizes(batches: readonly SentBatch[], gapMs: number): number[] {
  const sizes: number[] = [];
  let lastAt = Number.NEGATIVE_INFINITY;
  for (const batch of batches) {
    if (batch.at - lastAt < gapMs && sizes.length > 0)
      sizes[sizes.length - 1] = (sizes.at(-1) ?? 0) + batch.entries;
    else sizes.push(batch.entries);
    lastAt = batch.at;
  }
  return sizes;
}

/** Whether a User-Agent names the SDK app id (`app/<id>`, from AWS_SDK_UA_APP_ID). */
export function fromApp(userAgent: string | undefined, appId: string): boolean {
  return userAgent?.split(' ').includes(`app/${appId}`) ?? false;
}

/** A count from the backfill command's final table (`label  value`); throws when the line is missing. */
export function summaryCount(stdout: string, label: string): number {
  const line = stdout
    .split('\n')
    .find((candidate) => candidate.startsWith(label) && /^ +\d+$/.test(candidate.slice(label.length)));
  if (line === undefined) throw new Error(`no "${label}" line in the backfill's output:\n${stdout}`);
  return Number(line.slice(label.length));
}
