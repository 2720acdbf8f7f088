/**
 * What the endpoint saw, in time: gaps between consecutive DataZone requests, told apart by batch. Evidence for
 * where the time of a batch goes (the requests are in arrival order; a batch is `batchSize` consecutive ones).
 */
import type { RecordedRequest } from '../tools/local/datazone/types.js';
import { median } from './stats.js';

export interface BatchTimeline {
  /** Median gap between consecutive requests of the same batch (arrival to arrival), ms. */
  readonly withinBatchMs: number;
  /** Median gap from the last request of a batch to the first of the next (arrival to arrival), ms. */
  readonly betweenBatchesMs: number;
  /** Median time from the last response of a batch to the first request of the next, ms: time not waiting. */
  readonly idleAfterBatchMs: number;
  /** Median time from the first request of a batch to the first of the next, ms. */
  readonly batchPeriodMs: number;
}

export function batchTimeline(
  requests: readonly RecordedRequest[],
  batchSize: number,
  skipBatches = 0,
): BatchTimeline {
  const arrivals = requests.slice(skipBatches * batchSize);
  const within: number[] = [];
  const between: number[] = [];
  const idle: number[] = [];
  const periods: number[] = [];
  for (let start = 0; start + batchSize < arrivals.length; start += batchSize) {
    const batch = arrivals.slice(start, start + batchSize);
    const next = arrivals[start + batchSize];
    const first = batch[0];
    const last = batch.at(-1);
    if (next === undefined || first === undefined || last === undefined) continue;
    for (let i = 1; i < batch.length; i++) {
      const a = batch[i - 1];
      const b = batch[i];
      if (a !== undefined && b !== undefined) within.push(b.receivedAt - a.receivedAt);
    }
    between.push(next.receivedAt - last.receivedAt);
    periods.push(next.receivedAt - first.receivedAt);
    const lastResponse = Math.max(...batch.map((request) => request.respondedAt ?? request.receivedAt));
    idle.push(next.receivedAt - lastResponse);
  }
  return {
    withinBatchMs: median(within),
    betweenBatchesMs: median(between),
    idleAfterBatchMs: median(idle),
    batchPeriodMs: median(periods),
  };
}

/** Median time from a response to the next request: a sequential client's own time per request, ms. */
export function sequentialGapMs(requests: readonly RecordedRequest[], skip = 0): number {
  const gaps: number[] = [];
  const rest = requests.slice(skip);
  for (let i = 1; i < rest.length; i++) {
    const a = rest[i - 1];
    const b = rest[i];
    if (a?.respondedAt !== undefined && b !== undefined) gaps.push(b.receivedAt - a.respondedAt);
  }
  return median(gaps);
}
