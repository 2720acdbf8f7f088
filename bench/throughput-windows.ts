/**
 * The windows a throughput child measures, and the drain they make together: the row's verdict is the whole
 * drain after the warm-up, and its first and last windows are diagnostics (V8 still compiling, and settled).
 */
import { type BatchPhases, medianPhases } from './batch-phases.js';
import type { CpuTimes, MeasuredWindow } from './machine-load.js';

export interface ThroughputWindow extends MeasuredWindow {
  readonly records: number;
  readonly batches: number;
  /** Inside the window's median batch (not for the sequential baseline). */
  readonly phases?: BatchPhases;
}

export interface ThroughputRun {
  readonly failures: number;
  /** Consecutive windows, in the order measured. */
  readonly windows: readonly ThroughputWindow[];
}

/** Consecutive windows as one: counts and times summed; the phases are the median of the windows' medians. */
export function combineWindows(windows: readonly ThroughputWindow[]): ThroughputWindow {
  if (windows.length === 0) throw new Error('throughput: no window to combine');
  const sum = (pick: (window: ThroughputWindow) => number) =>
    windows.reduce((total, w) => total + pick(w), 0);
  const phases = windows.flatMap((window) => (window.phases === undefined ? [] : [window.phases]));
  return {
    records: sum((window) => window.records),
    batches: sum((window) => window.batches),
    wallMs: sum((window) => window.wallMs),
    ownCpuMs: sum((window) => window.ownCpuMs),
    machine: sumCpuTimes(windows.map((window) => window.machine)),
    ...(phases.length > 0 ? { phases: medianPhases(phases) } : {}),
  };
}

function sumCpuTimes(times: readonly (CpuTimes | undefined)[]): CpuTimes | undefined {
  let busyMs = 0;
  let stealMs = 0;
  for (const time of times) {
    if (time === undefined) return undefined;
    busyMs += time.busyMs;
    stealMs += time.stealMs;
  }
  return { busyMs, stealMs };
}

export function recordsPerSecond(window: ThroughputWindow): number {
  return (window.records / window.wallMs) * 1000;
}

export function cpuPerBatchMs(window: ThroughputWindow): number {
  return window.ownCpuMs / window.batches;
}

/** The first and the last window of a run, and all of them as one drain. */
export function drainOf(run: ThroughputRun): {
  readonly first: ThroughputWindow;
  readonly last: ThroughputWindow;
  readonly drain: ThroughputWindow;
} {
  const first = run.windows[0];
  const last = run.windows.at(-1);
  if (first === undefined || last === undefined) throw new Error('throughput: the child reported no window');
  return { first, last, drain: combineWindows(run.windows) };
}
