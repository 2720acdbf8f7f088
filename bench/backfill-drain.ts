/**
 * One side of the backfill benchmark: the worker drains live events sent at a steady pace, with the backfill
 * command sweeping beside it or not; then what the endpoints recorded, checked.
 */
import type { RecordedRequest } from '../tools/local/datazone/types.js';
import type { SqsRecordedRequest } from '../tools/local/sqs/types.js';
import { averageRate, burstSizes, fromApp, latencies, pageSpans, summaryCount } from './backfill-measures.js';
import { type BackfillSide, SETUP, type Side, type Workload } from './backfill-setup.js';
import type { QuotaChildResult } from './child-quota.js';
import { type Exited, type RunningProcess, runChild, startProcess } from './children.js';
import type { Endpoints } from './endpoints.js';
import { DEAD_LETTER_QUEUE, DOMAIN_ID, SOURCE_QUEUE } from './fixtures.js';
import { fixed } from './stats.js';
import { sendSteadily } from './steady-sender.js';
import type { BenchContext } from './types.js';

type Started = Promise<[number[], Exited | undefined]>;

export async function drainSide(
  endpoints: Endpoints,
  workload: Workload,
  withBackfill: boolean,
  ctx: BenchContext,
  arrivals: () => number,
): Promise<Side> {
  const { datazone, sqs } = endpoints;
  datazone.reset();
  sqs.purge(SOURCE_QUEUE);
  sqs.purge(DEAD_LETTER_QUEUE);
  const sqsRequestsBefore = sqs.requests.length;
  let command: RunningProcess | undefined;
  let started: Started | undefined;
  const { result } = await runChild<QuotaChildResult>(
    'bench/child-quota.ts',
    [JSON.stringify(workload.settings)],
    {
      tsx: true,
      env: endpoints.env,
      timeoutMs: workload.settings.maxWallMs + 60_000,
      // Both start once the worker's container is loaded: it receives at once, as a warm Lambda would.
      onReady: () => {
        command = withBackfill ? startBackfill(endpoints) : undefined;
        started = stream(endpoints, workload, command, arrivals);
        // Awaited below; a failure meanwhile must not count as unhandled.
        started.catch(() => undefined);
      },
    },
  ).catch((error: unknown) => {
    command?.signal('SIGTERM');
    throw error;
  });
  if (started === undefined) throw new Error('backfill: the worker never said it was ready');
  const [sentAt, exit] = await started;
  const sends = sqs.requests.slice(sqsRequestsBefore).filter(isBatchSend);
  const side = measuredSide(endpoints, workload, { sentAt, sends, result, exit });
  ctx.log(
    `  backfill ${withBackfill ? 'with the backfill' : 'baseline'}: ${sentAt.length} live events, ` +
      `${side.calls} calls, ${side.throttled} throttled, ${result.handedBack} records handed back` +
      (side.backfill === undefined
        ? ''
        : `; backfill ${side.backfill.assetsScanned} assets, ${side.backfill.times.length} calls at ` +
          `${fixed(averageRate(side.backfill.times), 1)}/s`),
  );
  return side;
}

/** `npm run backfill` itself, at its share, onto the worker's source queue. */
function startBackfill(endpoints: Endpoints): RunningProcess {
  return startProcess(
    'src/cli/backfill.ts',
    [
      ...['--domain', SETUP.backfillDomain, '--rate', String(SETUP.backfillRps)],
      ...['--queue-url', endpoints.sqs.queueUrl(SOURCE_QUEUE)],
    ],
    { tsx: true, env: { ...endpoints.env, AWS_SDK_UA_APP_ID: SETUP.backfillApp } },
  );
}

/**
 * The live events, and Ctrl-C for the backfill when their count is sent: it stops after its current page, and
 * the events keep coming until it has exited, so that the worker never finds the queue drained before its last page.
 */
function stream(
  endpoints: Endpoints,
  workload: Workload,
  command: RunningProcess | undefined,
  random: () => number,
): Started {
  const timer = setTimeout(() => command?.signal('SIGINT'), (workload.count * 1000) / SETUP.livePerSecond);
  const sent = sendSteadily({
    bodies: workload.bodies,
    perSecond: SETUP.livePerSecond,
    count: workload.count,
    until: command?.exited,
    send: (body) => endpoints.sqs.send(SOURCE_QUEUE, body),
    random,
  }).finally(() => clearTimeout(timer));
  return Promise.all([sent, command?.exited]);
}

/** What one side left behind: the live events' send times, the source queue's batch sends, both processes' ends. */
interface Recorded {
  readonly sentAt: readonly number[];
  /** SendMessageBatch to the source queue: only the backfill sends so (the live events are put there directly). */
  readonly sends: readonly SqsRecordedRequest[];
  readonly result: QuotaChildResult;
  readonly exit: Exited | undefined;
}

const isBatchSend = (request: SqsRecordedRequest) =>
  request.operation === 'SendMessageBatch' && request.queue === SOURCE_QUEUE;

/** What the endpoints recorded of one side, checked: every live event and every enqueued one got its run. */
function measuredSide(endpoints: Endpoints, workload: Workload, recorded: Recorded): Side {
  const { datazone, sqs } = endpoints;
  const { sentAt, result, exit } = recorded;
  const left = sqs.peek(SOURCE_QUEUE).length;
  const deadLettered = sqs.peek(DEAD_LETTER_QUEUE).length;
  if (!result.drained || left > 0 || deadLettered > 0) {
    throw new Error(
      `backfill: the drain did not end clean: ${JSON.stringify({ result, left, deadLettered })}`,
    );
  }
  const sent = sentAt.map((at, index) => {
    const event = workload.events[index];
    if (event === undefined) throw new Error(`backfill: no live event ${index}`);
    return { ...event, sentAt: at };
  });
  const requests = [...datazone.requests];
  return {
    latencies: latencies(sent, datazone.runs, DOMAIN_ID),
    sentAt,
    calls: requests.length,
    throttled: requests.filter((request) => request.status === 429).length,
    backfill:
      exit === undefined ? undefined : backfillSide(endpoints, workload, requests, { ...recorded, exit }),
  };
}

function backfillSide(
  endpoints: Endpoints,
  workload: Workload,
  requests: readonly RecordedRequest[],
  { exit, sends, sentAt }: Recorded & { readonly exit: Exited },
): BackfillSide {
  // 130: stopped by Ctrl-C after a page, as meant; 0: it swept the whole catalog first.
  if (exit.code !== 130 && exit.code !== 0) {
    throw new Error(`backfill: the command exited with ${exit.code ?? exit.signal}:\n${exit.stderr}`);
  }
  const enqueued = summaryCount(exit.stdout, 'enqueued');
  const runs = endpoints.datazone.runs.filter((run) => run.domainId === SETUP.backfillDomain);
  const assets = new Set(runs.map((run) => run.target.identifier));
  if (runs.length !== enqueued || assets.size !== enqueued) {
    throw new Error(`backfill: ${runs.length} runs for ${assets.size} assets, ${enqueued} events enqueued`);
  }
  const entries = (request: SqsRecordedRequest) =>
    (request.body as { Entries?: readonly unknown[] } | undefined)?.Entries?.length ?? 0;
  const batches = sends.map((request) => ({ at: request.receivedAt, entries: entries(request) }));
  const onQueue = batches.reduce((sum, batch) => sum + batch.entries, 0);
  if (onQueue !== enqueued)
    throw new Error(`backfill: ${onQueue} events sent, ${enqueued} counted as enqueued`);
  const own = (request: RecordedRequest) => fromApp(request.userAgent, SETUP.backfillApp);
  const inDomain = (request: RecordedRequest) => request.pathParams.domainIdentifier === SETUP.backfillDomain;
  return {
    exit,
    assetsScanned: summaryCount(exit.stdout, 'assets scanned'),
    enqueued,
    times: requests.filter(own).map((request) => request.receivedAt),
    throttled: requests.filter((request) => own(request) && request.status === 429).length,
    workerCalls: requests.filter((request) => inDomain(request) && !own(request)).length,
    // Pages done while live events still came: once they stop, the last batch waits out the batching window.
    pageSpans: pageSpans(runs, workload.pageOf, SETUP.pageSize, Math.max(...sentAt)),
    bursts: burstSizes(batches, SETUP.burstGapMs),
  };
}
