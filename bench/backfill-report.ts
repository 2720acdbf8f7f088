/** The backfill benchmark's rows and notes: the method, why the targets, where the live events' time goes. */
import { averageRate, peakRate } from './backfill-measures.js';
import { type BackfillSide, type Repetition, SETUP, TARGETS, type Workload } from './backfill-setup.js';
import { fixed, median, spread } from './stats.js';
import { type BenchmarkResult, meeting } from './types.js';

interface Figures {
  readonly backfills: readonly BackfillSide[];
  /** Per repetition: the backfill's calls per second, first to last; in its busiest second; the worker's for its events. */
  readonly rates: readonly number[];
  readonly peaks: readonly number[];
  readonly workerRates: readonly number[];
  /** Every whole page of every repetition. */
  readonly pageSpans: readonly number[];
  /** Every burst of every repetition: the backfill's events put on the queue at once. */
  readonly bursts: readonly number[];
}

function figures(repetitions: readonly Repetition[]): Figures {
  const backfills = repetitions.flatMap((r) => (r.side.backfill === undefined ? [] : [r.side.backfill]));
  const seconds = (b: BackfillSide) => (Math.max(...b.times) - Math.min(...b.times)) / 1000;
  return {
    backfills,
    rates: backfills.map((b) => averageRate(b.times)),
    peaks: backfills.map((b) => peakRate(b.times)),
    workerRates: backfills.map((b) => b.workerCalls / seconds(b)),
    pageSpans: backfills.flatMap((b) => b.pageSpans),
    bursts: backfills.flatMap((b) => b.bursts),
  };
}

/** The worker's time on `events` of the backfill's at its own rate, two calls each (ms). */
const workMs = (events: number) => ((events * 2) / SETUP.workerRps) * 1000;
const SHARE = `${SETUP.backfillShare * 100}% of R`;

export function backfillReport(repetitions: readonly Repetition[], workload: Workload): BenchmarkResult {
  const f = figures(repetitions);
  const latencyRow = (p: 'p50' | 'p95', target: number) => {
    const ratios = repetitions.map((r) => r.withBackfill[p] / r.without[p]);
    return {
      measure: `live events' latency ${p}, enqueue → run started (ms), a backfill at ${SHARE} beside them`,
      worker: fixed(median(repetitions.map((r) => r.withBackfill[p])), 0),
      baseline: `${fixed(median(repetitions.map((r) => r.without[p])), 0)} (no backfill)`,
      ratio: `${fixed(median(ratios), 3)}x`,
      target: `≤ ${target}x`,
      pass: median(ratios) <= target,
      repetitionsMeeting: meeting(ratios, (ratio) => ratio <= target),
    };
  };
  const rateRow = (measure: string, rates: readonly number[]) => ({
    measure,
    worker: fixed(median(rates), 1),
    baseline: `${fixed(SETUP.backfillRps, 1)} (--rate, ${SHARE})`,
    ratio: `${fixed(median(rates) / SETUP.backfillRps, 3)}x`,
    target: `≤ ${TARGETS.backfillRate}x`,
    pass: median(rates) / SETUP.backfillRps <= TARGETS.backfillRate,
    repetitionsMeeting: meeting(rates, (rate) => rate / SETUP.backfillRps <= TARGETS.backfillRate),
  });
  const shares = repetitions.map((r) => r.side.throttled / r.side.calls);
  return {
    id: 'backfill',
    title: 'Backfill beside live events',
    rows: [
      latencyRow('p50', TARGETS.p50),
      latencyRow('p95', TARGETS.p95),
      rateRow('backfill request rate, first to last call (requests/s)', f.rates),
      rateRow('backfill request rate, its busiest 1 s (requests/s)', f.peaks),
      {
        measure: 'throttled calls / all DataZone calls, with the backfill',
        worker: `${fixed(median(shares) * 100, 2)}%`,
        baseline: '0%',
        ratio: '—',
        target: `< ${TARGETS.throttledShare * 100}%`,
        pass: median(shares) < TARGETS.throttledShare,
        repetitionsMeeting: meeting(shares, (share) => share < TARGETS.throttledShare),
      },
      {
        measure: "diagnostic: the backfill's events put on the queue at once (events per burst)",
        worker: fixed(median(f.bursts), 0),
        baseline: `${SETUP.pageSize} (a page)`,
        ratio: `${fixed(median(f.bursts) / SETUP.pageSize, 3)}x`,
        target: 'no target',
        pass: undefined,
      },
      {
        measure: "diagnostic: the worker's time on a page of the backfill's events (ms, first run to last)",
        worker: fixed(median(f.pageSpans), 0),
        baseline: `${fixed(workMs(SETUP.pageSize), 0)} (${SETUP.pageSize} × 2 calls at ${SETUP.workerRps}/s)`,
        ratio: `${fixed(median(f.pageSpans) / workMs(SETUP.pageSize), 3)}x`,
        target: 'no target',
        pass: undefined,
      },
      {
        measure: "diagnostic: the worker's calls for the backfill's events (requests/s while it ran)",
        worker: fixed(median(f.workerRates), 1),
        baseline: `${fixed(median(f.rates), 1)} (the backfill's own)`,
        ratio: `${fixed(median(f.workerRates) / median(f.rates), 3)}x`,
        target: 'no target',
        pass: undefined,
      },
    ],
    details: [...method(workload), ...findings(repetitions, workload, f)],
  };
}

function method(workload: Workload): string[] {
  const { settings } = workload;
  return [
    `Endpoint: the local DataZone in the parent process admits R=${SETUP.rps} requests/s in total (token bucket, ` +
      `burst ${SETUP.rps / 10}; beyond it 429 ThrottlingException), no added latency; the local SQS beside it. ` +
      'Both are reset before each side (bucket full, no runs, queues empty).',
    `Live events: ${SETUP.livePerSecond}/s at a steady pace (bench/steady-sender.ts), each within half a step ` +
      `(±${fixed(500 / SETUP.livePerSecond, 0)} ms) of its slot, drawn from a seeded generator, the same for both ` +
      'sides of a repetition (events at exact steps locked in phase with the backfill’s bursts, so that a ' +
      `repetition gave one of two fixed results), ${workload.count} in ` +
      `${workload.streamSeconds} s, one per distinct asset revision of Glue tables in one domain, each naming ` +
      'everything the worker needs (one StartMetadataGenerationRun each), put on the source queue from the moment ' +
      'the worker’s container is loaded. With the backfill they go on, not compared, until it has exited, so that ' +
      'its last page does not find the queue drained.',
    `Worker: the quota benchmark’s drain (bench/child-quota.ts: the local runner’s event-source loop, one poller, ` +
      `one container, the real handler, batch size ${settings.batchSize}, batching window ` +
      `${settings.batchingWindowMs} ms) with DATAZONE_REQUESTS_PER_SECOND=${SETUP.workerRps} (R less the ` +
      'backfill’s share), RECORD_CONCURRENCY=10, every other setting at its default.',
    `Backfill: the operator command itself, \`npm run backfill -- --domain ${SETUP.backfillDomain} --rate ` +
      `${SETUP.backfillRps} --queue-url <source queue>\` (src/cli/backfill.ts: sweepPage over pages of ` +
      `${SETUP.pageSize}, DataZoneSweepCalls paced by its own token bucket, SqsEventQueue), in its own process, ` +
      `over a generated catalog of ${workload.catalogAssets} Glue tables in another domain ` +
      '(tools/local/datazone/generated-catalog.ts: one revision each, no runs, so every asset is missing one). ' +
      'It starts with the live events and gets SIGINT (Ctrl-C) when their count is sent, then stops after its ' +
      `page: the catalog outlasts the window, so it sweeps at its rate throughout. AWS_SDK_UA_APP_ID=` +
      `${SETUP.backfillApp} puts its name in its calls’ User-Agent, which the endpoint records: its calls are ` +
      'told from the worker’s. The worker handles its events like any: ListMetadataGenerationRuns, then ' +
      'StartMetadataGenerationRun.',
    'Latency: from a live event’s send to the creation of its run at the endpoint (one clock, the parent’s); ' +
      'nearest-rank p50 and p95 over the live events sent from the backfill’s first call to the end of the count ' +
      '(its start-up excluded), the same events on both sides; ratio per repetition, then the median. The order ' +
      `of the sides alternates; ${workload.streamSeconds} s a side. In about one repetition in nine (1 of 10 and ` +
      '1 of 8 on two versions of the worker, 2026-11-30) the live events lock in phase behind the backfill’s ' +
      'bursts (p50 about 140 ms, p95 about 300 ms): as many repetitions as the other sections, so that one does ' +
      'not decide the median.',
    'Backfill rate: its calls at the endpoint (SDK retries included), (calls − 1) / (last − first), and the most ' +
      'in any 1 s window, against its --rate. It calls one at a time, so it falls below its rate when a call and ' +
      `the sends between pages take longer than 1/rate (${1000 / SETUP.backfillRps} ms here). Checked on every ` +
      'side: the queue drained, nothing dead-lettered, exactly one run per live event and one per event the ' +
      'backfill enqueued, and as many events on the queue as it counted enqueued.',
    `Targets: the shares are meant to keep the backfill out of the live events’ way. The backfill’s own calls ` +
      `never exceed its --rate: its token bucket has a burst of 1, so any second holds at most rate + 1 calls ` +
      `(${fixed((SETUP.backfillRps + 1) / SETUP.backfillRps, 2)}x), and ${TARGETS.backfillRate}x leaves the rest ` +
      'for arrival jitter; with every share summing to R nothing should be throttled (< 1%). The worker’s load ' +
      `grows from a third of its share to two thirds (live events ${SETUP.livePerSecond} calls/s, the backfill’s ` +
      'events two calls each), and with steady arrivals that adds little waiting at these rates: ' +
      `${TARGETS.p50}x on p50 and p95 allows for it and for the machine’s noise.`,
  ];
}

function findings(repetitions: readonly Repetition[], workload: Workload, f: Figures): string[] {
  const list = (values: readonly number[], decimals = 0) => values.map((v) => fixed(v, decimals)).join(', ');
  const excess = repetitions.map((r) => r.withBackfill.p95 - r.without.p95);
  const { batchSize } = workload.settings;
  return [
    `Per repetition: live events compared ${list(repetitions.map((r) => workload.count - r.from))}; with the ` +
      `backfill p50 ${list(repetitions.map((r) => r.withBackfill.p50))} ms, p95 ` +
      `${list(repetitions.map((r) => r.withBackfill.p95))} ms; without it p50 ` +
      `${list(repetitions.map((r) => r.without.p50))} ms, p95 ${list(repetitions.map((r) => r.without.p95))} ms. ` +
      `Backfill: assets swept ${list(f.backfills.map((b) => b.assetsScanned))}, events enqueued ` +
      `${list(f.backfills.map((b) => b.enqueued))}, calls ${list(f.backfills.map((b) => b.times.length))} ` +
      `(throttled ${list(f.backfills.map((b) => b.throttled))}), rate ${list(f.rates, 2)}/s, busiest second ` +
      `${list(f.peaks)}. All calls ${list(repetitions.map((r) => r.side.calls))}, throttled ` +
      `${list(repetitions.map((r) => r.side.throttled))}; without the backfill ` +
      `${list(repetitions.map((r) => r.baseline.calls))}, throttled ${list(repetitions.map((r) => r.baseline.throttled))}.`,
    `Where a live event’s time goes: without the backfill mostly in the batch filling up (${batchSize} events ` +
      `at ${SETUP.livePerSecond}/s take ${(batchSize * 1000) / SETUP.livePerSecond} ms to gather; the batching window is ` +
      `${workload.settings.batchingWindowMs / 1000} s). The backfill put its events on the queue in bursts of ` +
      `${spread(f.bursts, 0)} (its SendMessageBatch calls less than ${SETUP.burstGapMs} ms apart; a page every ` +
      `${fixed((SETUP.pageSize * 2) / SETUP.backfillRps, 1)} s at its rate), and the worker, first in first out, ` +
      `spends two calls on each at its own rate, ${fixed(workMs(median(f.bursts)), 0)} ms for such a burst, while ` +
      'live events that arrive meanwhile wait behind it; a page of its events took ' +
      `${spread(f.pageSpans, 0)} ms from its first run to its last. The p95 grew by ${list(excess)} ms. The ` +
      'backfill’s events also fill batches sooner, which shortens the wait of live events that arrive between bursts.',
    `The worker spends ${spread(f.workerRates, 1)} requests/s on the backfill’s events while it runs, about the ` +
      'backfill’s own rate again, out of the worker’s share: a backfill at --rate r costs the account about 2r.',
  ];
}
