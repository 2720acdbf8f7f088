import { describe, expect, it } from 'vitest';
import { convergenceFigures, fairness } from '../../bench/convergence-measures.js';
import { countPerSecond } from '../../bench/fleet-measures.js';
import type { FleetRun, FleetScenario } from '../../bench/fleet-sim.js';

/** `count` admissions spread evenly over second `second` (ms). */
const spreadOver = (second: number, count: number) =>
  Array.from({ length: count }, (_, index) => second * 1000 + (index * 1000) / count);

const SCENARIO: FleetScenario = {
  containers: 2,
  configuredPerSecond: 50,
  quotaPerSecond: 10,
  records: 100,
  latencyMs: 20,
  seed: 1,
};

describe('bench convergence: count per second', () => {
  it('counts times in each whole second and leaves out the partial last one', () => {
    expect(countPerSecond([0, 999, 1000, 2500, 3100])).toEqual([2, 1, 1]);
  });

  it('is empty without times', () => {
    expect(countPerSecond([])).toEqual([]);
  });
});

describe('bench convergence: fairness', () => {
  it('is the most over the fewest admitted per container within the seconds asked', () => {
    const admittedAt = [[...spreadOver(0, 9), ...spreadOver(1, 6)], spreadOver(1, 3)];

    expect(fairness(admittedAt, 1, 2)).toBe(2);
  });

  it('is infinite when a container got nothing, and 1 for a lone container', () => {
    expect(fairness([spreadOver(0, 5), spreadOver(1, 5)], 0, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(fairness([spreadOver(0, 5)], 0, 1)).toBe(1);
  });
});

describe('bench convergence: figures of one simulated drain', () => {
  it('reads drain against the ideal, the throttled share, the settling second and the late fairness', () => {
    // 10 s ideal; the fleet admits 5, 20, then 10 per second (5 + 5) until the queue runs dry in second 9.
    const first = [
      ...spreadOver(0, 5),
      ...spreadOver(1, 10),
      ...[2, 3, 4, 5, 6, 7, 8].flatMap((s) => spreadOver(s, 5)),
    ];
    const second = [...spreadOver(1, 10), ...[2, 3, 4, 5, 6, 7, 8].flatMap((s) => spreadOver(s, 5)), 9100];
    const run: FleetRun = {
      drainMs: 12_000,
      finished: true,
      attempts: 125,
      throttled: 25,
      handedBack: 0,
      admittedAt: [first, second],
    };

    const figures = convergenceFigures(SCENARIO, run);

    expect(figures.drainRatio).toBeCloseTo(1.2);
    expect(figures.throttledShare).toBeCloseTo(0.2);
    expect(figures.perSecond).toEqual([5, 20, 10, 10, 10, 10, 10, 10, 10]);
    expect(figures.settledAfterS).toBe(2);
    expect(figures.fairness).toBe(1);
  });

  it('counts an unfinished drain as infinitely slow and a rate never within 10% of R as never settled', () => {
    const run: FleetRun = {
      drainMs: 300_000,
      finished: false,
      attempts: 10,
      throttled: 0,
      handedBack: 4,
      admittedAt: [spreadOver(0, 3), [...spreadOver(1, 3), 2500]],
    };

    const figures = convergenceFigures(SCENARIO, run);

    expect(figures.drainRatio).toBe(Number.POSITIVE_INFINITY);
    expect(figures.settledAfterS).toBeUndefined();
  });
});
