import { describe, expect, it } from 'vitest';
import {
  admittedPerSecond,
  billedMs,
  settledAfterSeconds,
  steadySeconds,
  throttles,
} from '../../bench/fleet-measures.js';
import type { DataZoneOperation, RecordedRequest } from '../../tools/local/datazone/types.js';

const START = 1_000_000;
let seq = 0;
const request = (
  receivedAt: number,
  status: number,
  operation: DataZoneOperation = 'StartMetadataGenerationRun',
): RecordedRequest => ({
  seq: ++seq,
  operation,
  method: 'POST',
  path: '/',
  pathParams: {},
  query: {},
  body: undefined,
  status,
  dropped: false,
  receivedAt: START + receivedAt,
});

describe('bench fleet: throttles', () => {
  it('counts throttled calls of the whole drain and of its first seconds apart from the rest, by arrival', () => {
    const requests = [
      request(0, 200),
      request(500, 429),
      request(1999, 429),
      request(2000, 200),
      request(2500, 429),
      request(9000, 200),
    ];

    expect(throttles(requests, START, 2000)).toEqual({
      calls: 6,
      throttled: 3,
      early: { calls: 3, throttled: 2 },
      late: { calls: 3, throttled: 1 },
    });
  });

  it('counts a server error or a conflict as an admitted call, not a throttle', () => {
    const requests = [request(0, 500), request(10, 409), request(20, 402)];

    expect(throttles(requests, START, 2000).throttled).toBe(0);
  });
});

describe('bench fleet: admitted rate', () => {
  it('bins the calls of one operation the endpoint admitted by whole second, leaving the partial last one out', () => {
    const requests = [
      request(0, 200),
      request(999, 200),
      request(1000, 429),
      request(1500, 200),
      request(1600, 200, 'GetAsset'),
      request(2100, 200),
      request(3200, 200), // in the fourth second, which the drain does not finish
    ];

    expect(admittedPerSecond(requests, 'StartMetadataGenerationRun', START)).toEqual([2, 1, 1]);
  });

  it('is empty when nothing was admitted', () => {
    expect(admittedPerSecond([request(0, 429)], 'StartMetadataGenerationRun', START)).toEqual([]);
  });

  it('keeps the seconds with no admitted call: a fleet waiting in the queue admits nothing', () => {
    const requests = [request(100, 200), request(3500, 200)];

    expect(admittedPerSecond(requests, 'StartMetadataGenerationRun', START)).toEqual([1, 0, 0]);
  });
});

describe('bench fleet: steady seconds', () => {
  it('ends where fewer than the tail of the calls were left: the queue was running dry', () => {
    // 250 calls, a tail of 40: 202, 150, 101 and 50 left after the first four seconds, then 7.
    expect(steadySeconds([48, 52, 49, 51, 43], 250, 40)).toBe(4);
  });

  it('counts every second while a full tail is left, idle ones included', () => {
    expect(steadySeconds([10, 0, 0, 5], 100, 40)).toBe(4);
    expect(steadySeconds([70], 100, 40)).toBe(0);
  });
});

describe('bench fleet: settling', () => {
  it('settles at the first second from which every later one is within the tolerance of the rate', () => {
    expect(settledAfterSeconds([120, 80, 52, 30, 49, 51, 46, 54], 50, 0.1)).toBe(4);
  });

  it('settles at once when every second is within the tolerance, its bounds included', () => {
    expect(settledAfterSeconds([45, 55, 50], 50, 0.1)).toBe(0);
  });

  it('never settles when the last second is off, or when there is no whole second', () => {
    expect(settledAfterSeconds([50, 50, 50, 44], 50, 0.1)).toBeUndefined();
    expect(settledAfterSeconds([50, 50, 0, 0], 50, 0.1)).toBeUndefined();
    expect(settledAfterSeconds([], 50, 0.1)).toBeUndefined();
  });
});

describe('bench fleet: billed time', () => {
  it('rounds each invocation up to the millisecond, at least one, as Lambda bills, and sums them', () => {
    expect(billedMs([10.2, 3, 0.4, 0])).toBe(11 + 3 + 1 + 1);
    expect(billedMs([])).toBe(0);
  });
});
