// A local run of the worker, start to finish: events sent, the source queue drained (with the outcome events of
// the runs started, as the local DataZone publishes them), each event's fate and each run's.

import type { LocalDataZone, MetadataGenerationRun } from '../datazone/types.js';
import type { LocalSqs } from '../sqs/types.js';
import type { Accounting, SentEvent } from './accounting.js';
import { type Connection, connect, type ExternalEndpoints } from './endpoints.js';
import { type LocalEventBus, localEventBus } from './event-bus.js';
import type { InputEvent } from './event-files.js';
import { type EventSourceResult, type EventSourceSettings, runEventSource } from './event-source.js';
import { collectResults, type ScenarioSummary } from './results.js';
import { sendEvents } from './send-events.js';
import {
  FUNCTION_NAME,
  type HandlerLoader,
  importHandler,
  withWorkerClock,
  workerEnvironment,
} from './worker-environment.js';
import { captureWorkerOutput, type Echo, type JsonLine } from './worker-output.js';
import { type LocalWorld, type LocalWorldOptions, startLocalWorld } from './world.js';

export interface ScenarioOptions {
  readonly events: readonly InputEvent[];
  /** Where to run. Default: a local world started for this run (with `world`) and closed after it. */
  readonly endpoints?: LocalWorld | ExternalEndpoints;
  readonly world?: LocalWorldOptions;
  /** Worker environment on top of LOCAL_WORKER_DEFAULTS (endpoints, region and the DLQ URL are set here). */
  readonly workerEnv?: Readonly<Record<string, string>>;
  readonly loadHandler?: HandlerLoader;
  readonly eventSource?: EventSourceSettings;
  /** Echo the worker's output: on its own streams, all on stderr, line by line to a function, or not (default). */
  readonly echo?: Echo;
  /** The runner's progress lines. */
  readonly log?: (line: string) => void;
  /**
   * Local endpoints: how long (on their clock, from the start) the runner waits for the runs it started to end.
   * Default one hour.
   */
  readonly outcomeTimeoutMs?: number;
  /** Shown in the summary. */
  readonly faults?: string;
  readonly seed?: number;
}

export interface ScenarioResult {
  /** What became of each event sent. */
  readonly outcomes: Accounting['outcomes'];
  /** What became of each outcome event the local DataZone published. */
  readonly outcomeEvents: Accounting['outcomes'];
  readonly summary: ScenarioSummary;
  readonly accounting: Accounting;
  readonly sent: readonly SentEvent[];
  /** The outcome events the local DataZone published onto the source queue. */
  readonly published: readonly SentEvent[];
  /** Local endpoints: the runs this run answers for (all but those whose outcome an earlier run published). */
  readonly runs: readonly MetadataGenerationRun[];
  readonly eventSource: EventSourceResult;
  /** The worker's parsed output: log lines and EMF documents. */
  readonly output: readonly JsonLine[];
  /** The local endpoints (still inspectable after the run, even if closed). */
  readonly world?: LocalWorld;
  readonly dataZone?: LocalDataZone;
  readonly sqs?: LocalSqs;
}

/**
 * Sends the events to the source queue, drains it with the event source loop invoking the real handler, and
 * accounts for every event. `npm start` (run.ts) and the end-to-end tests both go through here.
 */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const owned = options.endpoints === undefined ? await startLocalWorld(options.world) : undefined;
  const endpoints = options.endpoints ?? owned;
  if (endpoints === undefined) throw new Error('no endpoints');
  try {
    const connection = await connect(endpoints);
    try {
      return await runOn(connection, options);
    } finally {
      connection.sqs.destroy();
    }
  } finally {
    await owned?.close();
  }
}

const DEFAULT_OUTCOME_TIMEOUT_MS = 3600_000;

async function runOn(connection: Connection, options: ScenarioOptions): Promise<ScenarioResult> {
  const log = options.log ?? (() => undefined);
  const { local } = connection;
  const workerEnv = workerEnvironment(connection, options.workerEnv);
  const waitUntil = (local?.time.now() ?? 0) + (options.outcomeTimeoutMs ?? DEFAULT_OUTCOME_TIMEOUT_MS);
  // A world used for several runs, or seeded with runs someone else started: what was there before is not this
  // run's business (their outcomes, if they come, are still accounted for as events).
  const earlierRuns = new Set(local?.dataZone.runs.map((run) => run.id));
  const sent = await sendEvents(connection.sqs, connection.sourceQueueUrl, options.events, log);
  const settings = options.eventSource ?? {};
  const loadHandler = options.loadHandler ?? importHandler;
  const bus: LocalEventBus | undefined = local
    ? localEventBus({
        dataZone: local.dataZone,
        sqs: connection.sqs,
        queueUrl: connection.sourceQueueUrl,
        waitUntil,
        firstIndex: sent.length,
        log,
      })
    : undefined;
  const capture = captureWorkerOutput({ echo: options.echo ?? 'none' });
  let eventSource: EventSourceResult;
  try {
    eventSource = await runEventSource({
      ...settings,
      sqs: connection.sqs,
      functionName: FUNCTION_NAME,
      queueUrl: connection.sourceQueueUrl,
      queueArn: connection.queueArn,
      region: connection.queueRegion,
      loadContainer: (container) =>
        local
          ? withWorkerClock(local.time.now, () => loadHandler(workerEnv, container))
          : loadHandler(workerEnv, container),
      log,
      ...(local
        ? {
            settled: local.settled,
            virtualTime: {
              time: local.time,
              peek: () => local.sqs.peek(local.sourceQueue),
              ...(bus === undefined ? {} : { scheduled: bus }),
            },
          }
        : {}),
    });
  } finally {
    capture.restore();
  }
  const published = bus?.delivered ?? [];
  const { accounting, outcomeAccounting, summary } = await collectResults({
    connection,
    sent,
    published,
    earlierRuns,
    eventSource,
    output: capture,
    workerEnv,
    settings,
    ...(options.faults === undefined ? {} : { faults: options.faults }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  return {
    outcomes: accounting.outcomes,
    outcomeEvents: outcomeAccounting.outcomes,
    summary,
    accounting,
    sent,
    published,
    runs: local?.dataZone.runs.filter((run) => !earlierRuns.has(run.id)) ?? [],
    eventSource,
    output: capture.lines,
    ...(local ? { world: local, dataZone: local.dataZone, sqs: local.sqs } : {}),
  };
}
