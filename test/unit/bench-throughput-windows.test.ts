import { describe, expect, it } from 'vitest';
import {
  combineWindows,
  cpuPerBatchMs,
  drainOf,
  recordsPerSecond,
  type ThroughputWindow,
} from '../../bench/throughput-windows.js';

const phases = (at: number) => ({
  firstRequestMs: at,
  lastRequestMs: at + 2,
  firstAnswerMs: 52 + at,
  lastAnswerMs: 55 + at,
  endMs: 56 + at,
});

/** A window of 20 batches of 10 records. */
const window = (wallMs: number, ownCpuMs: number, at: number, busyMs = 100): ThroughputWindow => ({
  records: 200,
  batches: 20,
  wallMs,
  ownCpuMs,
  machine: { busyMs, stealMs: 1 },
  phases: phases(at),
});

const EARLY = window(1250, 280, 3);
const MIDDLE = window(1180, 190, 2);
const SETTLED = window(1150, 120, 1);

describe('bench throughput windows', () => {
  it('makes one drain of consecutive windows: counts and times summed, phases the median of the windows', () => {
    expect(combineWindows([EARLY, MIDDLE, SETTLED])).toEqual({
      records: 600,
      batches: 60,
      wallMs: 3580,
      ownCpuMs: 590,
      machine: { busyMs: 300, stealMs: 3 },
      phases: phases(2),
    });
  });

  it('has no machine times for a drain when a window has none (no /proc/stat)', () => {
    expect(combineWindows([EARLY, { ...SETTLED, machine: undefined }]).machine).toBeUndefined();
  });

  it('has no phases for a drain whose windows recorded none (the sequential baseline)', () => {
    const { phases: _, ...unrecorded } = EARLY;
    expect(combineWindows([unrecorded, unrecorded])).not.toHaveProperty('phases');
  });

  it('rates the whole drain, early windows included, and keeps its first and last windows apart', () => {
    const { first, last, drain } = drainOf({ failures: 0, windows: [EARLY, MIDDLE, SETTLED] });
    expect(first).toBe(EARLY);
    expect(last).toBe(SETTLED);
    expect(recordsPerSecond(drain)).toBeCloseTo(600 / 3.58, 9);
    expect(recordsPerSecond(first)).toBe(160);
    expect(cpuPerBatchMs(drain)).toBeCloseTo(590 / 60, 9);
    expect(cpuPerBatchMs(last)).toBe(6);
  });

  it('refuses a run without a window', () => {
    expect(() => drainOf({ failures: 0, windows: [] })).toThrow(/no window/);
    expect(() => combineWindows([])).toThrow(/no window/);
  });
});
