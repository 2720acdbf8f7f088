import { describe, expect, it } from 'vitest';
import { type ContainerLaw, type FleetScenario, simulateFleet } from '../../bench/fleet-sim.js';
import { fixedRate, rateVariant } from '../../bench/rate-variants.js';

const WORKER: ContainerLaw = { adaptation: (rate) => rateVariant('worker', rate), throttleRetryBaseMs: 100 };
const NEVER_ADAPTS: ContainerLaw = { adaptation: fixedRate, throttleRetryBaseMs: 100 };

const fleet = (overrides: Partial<FleetScenario>): FleetScenario => ({
  containers: 4,
  configuredPerSecond: 25,
  quotaPerSecond: 100,
  records: 400,
  latencyMs: 20,
  seed: 1,
  ...overrides,
});

const admitted = (run: { admittedAt: readonly (readonly number[])[] }) =>
  run.admittedAt.reduce((sum, times) => sum + times.length, 0);

describe('bench convergence model: a fleet against one quota in virtual time', () => {
  it('drains an exactly configured fleet at the quota, without a throttle or a record handed back', () => {
    const run = simulateFleet(fleet({}), WORKER);

    expect(run.finished).toBe(true);
    expect(run.throttled).toBe(0);
    expect(run.handedBack).toBe(0);
    expect(admitted(run)).toBe(400);
    expect(run.drainMs).toBeGreaterThan(3900);
    expect(run.drainMs).toBeLessThan(4100);
  });

  it('admits every record exactly once however often it was throttled or handed back', () => {
    const run = simulateFleet(fleet({ configuredPerSecond: 1000 }), NEVER_ADAPTS);

    expect(run.finished).toBe(true);
    expect(run.throttled).toBeGreaterThan(0);
    expect(run.handedBack).toBeGreaterThan(0);
    expect(admitted(run)).toBe(400);
    expect(run.attempts).toBe(400 + run.throttled);
  });

  it('hands a batch back once a call ends throttled, and the records return only after the backoff', () => {
    // A fleet that never slows down: every batch meets throttles; a handed-back record is invisible 5–10 s.
    const run = simulateFleet(fleet({ configuredPerSecond: 1000 }), NEVER_ADAPTS);

    expect(run.drainMs).toBeGreaterThan(5000);
  });

  it('gives each container its next batch only once every record of the current one is answered', () => {
    // No pacing or quota in the way: the first batch goes out at once and is answered after 20 ms; the next
    // goes out after the mapping's round trip (deletes, receive), not as each record of the first is done.
    const scenario = fleet({ containers: 1, configuredPerSecond: 1000, quotaPerSecond: 1000, records: 20 });
    const run = simulateFleet(scenario, NEVER_ADAPTS);

    const [times = []] = run.admittedAt;
    expect(times).toHaveLength(20);
    expect(Math.max(...times.slice(0, 10))).toBe(10);
    expect(Math.min(...times.slice(10))).toBe(50);
  });

  it('meets the same jitter for the same seed', () => {
    const scenario = fleet({ configuredPerSecond: 1000, seed: 7 });

    expect(simulateFleet(scenario, WORKER)).toEqual(simulateFleet(scenario, WORKER));
  });
});
