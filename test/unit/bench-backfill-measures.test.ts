import { describe, expect, it } from 'vitest';
import {
  averageRate,
  burstSizes,
  fromApp,
  latencies,
  pageSpans,
  peakRate,
  percentile,
  summaryCount,
} from '../../bench/backfill-measures.js';
import { summaryTable } from '../../src/cli/backfill-report.js';
import { NO_COUNTS } from '../../src/sweep/sweep.js';

const LIVE = 'dzd_live';
const run = (identifier: string, revision: string, createdAt: number, domainId = LIVE) => ({
  domainId,
  target: { identifier, revision },
  createdAt,
});

describe('bench backfill: percentiles', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1, unsorted on purpose

  it('takes the nearest rank: a value of the series, p50 of 1…100 is 50 and p95 is 95', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([7, 3, 5], 50)).toBe(5);
    expect(percentile([3], 95)).toBe(3);
  });

  it('has no percentile of nothing', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('bench backfill: live latencies', () => {
  it('measures each event from its send to the run of its own revision, in the order sent', () => {
    const sent = [
      { assetId: 'a', revision: '1', sentAt: 1000 },
      { assetId: 'a', revision: '2', sentAt: 1010 },
      { assetId: 'b', revision: '1', sentAt: 1020 },
    ];
    const runs = [
      run('b', '1', 1100),
      run('a', '2', 1050),
      run('a', '1', 1030),
      run('a', '1', 999, 'dzd_other'),
    ];

    expect(latencies(sent, runs, LIVE)).toEqual([30, 40, 80]);
  });

  it('refuses an event without a run or with two: its latency would be of nothing, or of the wrong run', () => {
    const sent = [{ assetId: 'a', revision: '1', sentAt: 1000 }];

    expect(() => latencies(sent, [run('a', '2', 1010)], LIVE)).toThrow('0 runs for a revision 1');
    expect(() => latencies(sent, [run('a', '1', 1010), run('a', '1', 1020)], LIVE)).toThrow(
      '2 runs for a revision 1',
    );
  });
});

describe("bench backfill: the worker's time on a page of the backfill's events", () => {
  it('spans each whole page from its first run to its last, in page order, whatever the order of the runs', () => {
    const pageOf = (assetId: string) => ({ a: 0, b: 0, c: 1, d: 1, e: 2 })[assetId];
    const runs = [run('c', '1', 2000), run('a', '1', 1000), run('d', '1', 2700), run('b', '1', 1400)];

    expect(pageSpans([...runs, run('e', '1', 3000)], pageOf, 2)).toEqual([400, 700]);
  });

  it('leaves out a page not every asset of which got a run (the page the backfill stopped in) and other assets', () => {
    const pageOf = (assetId: string) => ({ a: 0, b: 0, c: 1 })[assetId];
    const runs = [run('a', '1', 1000), run('b', '1', 1400), run('c', '1', 2000), run('live', '3', 2100)];

    expect(pageSpans(runs, pageOf, 2)).toEqual([400]);
  });

  it('leaves out a page a run of which came after `until` (once the live events stopped)', () => {
    const pageOf = (assetId: string) => ({ a: 0, b: 0, c: 1, d: 1 })[assetId];
    const runs = [run('a', '1', 1000), run('b', '1', 1400), run('c', '1', 2000), run('d', '1', 7000)];

    expect(pageSpans(runs, pageOf, 2, 2500)).toEqual([400]);
    expect(pageSpans(runs, pageOf, 2, 7000)).toEqual([400, 5000]);
  });
});

describe('bench backfill: request rates', () => {
  it('averages over the span from first to last request: n requests 1/r apart are r per second', () => {
    const tenPerSecond = Array.from({ length: 21 }, (_, i) => 5000 + i * 100);
    expect(averageRate(tenPerSecond)).toBe(10);
    expect(averageRate([5000])).toBeNaN();
  });

  it('finds the busiest window, half-open, wherever it starts', () => {
    // Steady at 10/s, then 4 extra requests inside 200 ms.
    const steady = Array.from({ length: 30 }, (_, i) => i * 100);
    const clustered = [...steady, 1510, 1520, 1530, 1540];
    expect(peakRate(steady)).toBe(10);
    expect(peakRate(clustered)).toBe(14);
    expect(peakRate([0, 1000, 2000])).toBe(1);
    expect(peakRate([0, 250, 500], 500)).toBe(4);
    expect(peakRate([])).toBe(0);
  });
});

describe('bench backfill: bursts of enqueued events', () => {
  it('adds up batches sent less than the gap apart, and starts a new burst after a longer pause', () => {
    const page = [0, 4, 9, 13, 18].map((at) => ({ at: 1000 + at, entries: 10 }));
    const nextPage = [0, 5].map((at) => ({ at: 3000 + at, entries: at === 0 ? 10 : 3 }));

    expect(burstSizes([...page, ...nextPage], 50)).toEqual([50, 13]);
    expect(burstSizes(page, 5)).toEqual([20, 20, 10]);
    expect(burstSizes([], 50)).toEqual([]);
  });
});

describe('bench backfill: telling callers apart', () => {
  const agent = (app: string) =>
    `aws-sdk-js/3.1048.0 ua/2.1 os/linux lang/js md/nodejs#24.21.0 api/datazone#3.1048.0 m/E,e${app}`;

  it('knows a request by the app id the SDK put in its User-Agent, and only by a whole token', () => {
    expect(fromApp(agent(' app/bench-backfill'), 'bench-backfill')).toBe(true);
    expect(fromApp(agent(''), 'bench-backfill')).toBe(false);
    expect(fromApp(agent(' app/bench-backfill-2'), 'bench-backfill')).toBe(false);
    expect(fromApp(undefined, 'bench-backfill')).toBe(false);
  });
});

describe("bench backfill: the command's counts", () => {
  it("reads a count from the command's own final table", () => {
    const table = summaryTable({ ...NO_COUNTS, assetsScanned: 350, enqueued: 349, errors: 1 }, false);
    const stdout = `${table}\n`;

    expect(summaryCount(stdout, 'assets scanned')).toBe(350);
    expect(summaryCount(stdout, 'enqueued')).toBe(349);
    expect(summaryCount(stdout, 'errors')).toBe(1);
    expect(() => summaryCount('backfill stopped\n', 'enqueued')).toThrow('no "enqueued" line');
  });
});
