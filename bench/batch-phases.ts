/**
 * Where the time of one batch goes, seen from inside the process that handles it: when its requests were created,
 * when its answers were read to the end, and when the handler returned, each in ms from the handler's start. The
 * endpoint's view (timeline.ts) cannot tell the handler's CPU work on the answers from the answers' own arrival.
 */
import { subscribe } from 'node:diagnostics_channel';
import { median } from './stats.js';

export interface BatchPhases {
  readonly firstRequestMs: number;
  readonly lastRequestMs: number;
  readonly firstAnswerMs: number;
  readonly lastAnswerMs: number;
  readonly endMs: number;
}

/** One batch's phases from the times (ms, any one clock) its requests and answers were seen. */
export function phasesOf(
  startMs: number,
  endMs: number,
  requestTimes: readonly number[],
  answerTimes: readonly number[],
): BatchPhases {
  const since = (times: readonly number[], pick: (values: number[]) => number) =>
    times.length === 0 ? Number.NaN : pick([...times]) - startMs;
  return {
    firstRequestMs: since(requestTimes, (values) => Math.min(...values)),
    lastRequestMs: since(requestTimes, (values) => Math.max(...values)),
    firstAnswerMs: since(answerTimes, (values) => Math.min(...values)),
    lastAnswerMs: since(answerTimes, (values) => Math.max(...values)),
    endMs: endMs - startMs,
  };
}

/** The median of each phase over several batches (or over several runs' medians). */
export function medianPhases(batches: readonly BatchPhases[]): BatchPhases {
  const of = (pick: (phases: BatchPhases) => number) => median(batches.map(pick));
  return {
    firstRequestMs: of((phases) => phases.firstRequestMs),
    lastRequestMs: of((phases) => phases.lastRequestMs),
    firstAnswerMs: of((phases) => phases.firstAnswerMs),
    lastAnswerMs: of((phases) => phases.lastAnswerMs),
    endMs: of((phases) => phases.endMs),
  };
}

/**
 * Records the process's HTTP client requests and finished answers (Node's diagnostics channels) around each batch:
 * `measure` runs one batch and returns its phases.
 */
export function batchPhaseRecorder(now: () => number = () => performance.now()) {
  const requests: number[] = [];
  const answers: number[] = [];
  subscribe('http.client.request.created', () => requests.push(now()));
  subscribe('http.client.response.finish', () => answers.push(now()));
  return async (runBatch: () => Promise<unknown>): Promise<BatchPhases> => {
    requests.length = 0;
    answers.length = 0;
    const start = now();
    await runBatch();
    return phasesOf(start, now(), requests, answers);
  };
}
