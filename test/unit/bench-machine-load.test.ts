import { describe, expect, it } from 'vitest';
import { otherLoad, parseProcStat } from '../../bench/machine-load.js';

describe('bench machine load', () => {
  it('reads busy and steal time from the machine-wide cpu line, not a per-core one', () => {
    const stat = [
      'cpu  436924 5 92782 2247085 7058 11 6374 95016 0 0',
      'cpu0 1 1 1 1 1 1 1 1 0 0',
      'intr 123',
    ].join('\n');
    // user + nice + system + irq + softirq ticks, 10 ms each; idle and iowait are not busy.
    expect(parseProcStat(stat)).toEqual({
      busyMs: (436924 + 5 + 92782 + 11 + 6374) * 10,
      stealMs: 95016 * 10,
    });
  });

  it('has nothing to say about a file it does not understand', () => {
    expect(parseProcStat('intr 1 2 3')).toBeUndefined();
    expect(parseProcStat('cpu  1 2 3')).toBeUndefined();
    expect(parseProcStat('cpu  1 2 x 4 5 6 7 8')).toBeUndefined();
  });

  it('counts as other load only what neither the child nor the parent used', () => {
    const window = { wallMs: 1000, ownCpuMs: 700, machine: { busyMs: 1900, stealMs: 100 } };
    expect(otherLoad(window, 200, 2)).toEqual({ otherCores: 1, stealShare: 0.05 });
    // The parent's time is an overcount: never below zero.
    expect(otherLoad(window, 1500, 2)?.otherCores).toBe(0);
    expect(otherLoad({ ...window, machine: undefined }, 200, 2)).toBeUndefined();
  });
});
