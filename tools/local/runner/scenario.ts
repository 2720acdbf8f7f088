// A local run of the worker, start to finish: events sent (less those a lossy bus loses), the source queue drained
// (with the outcome events of the runs started, as the local DataZone publishes them), with --reconcile a sweep of
// the events' domains and a second drain of what it enqueued, each event's fate and each run's.

import type { LocalDataZone, MetadataGenerationRun } from '../datazone/types.js';
import type { LocalSqs } from '../sqs/types.js';
import type { Accounting, SentEvent } from './accounting.js';
import { bothDrains, drainAgain, keepContainers } from './drains.js';
import { type Connection, connect, type ExternalEndpoints } from './endpoints.js';
import { type LocalEventBus, localEventBus } from './event-bus.js';
import type { InputEvent } from './event-files.js';
import {
  type EventSourceOptions,
  type EventSourceResult,
  type EventSourceSettings,
  runEventSource,
} from './event-source.js';
import { type BusFaults, crossBus, type NumberedEvent } from './lossy-bus.js';
import { namedDomains } from './missed-revisions.js';
import { reconcilerSweep, type SweepResult } from './reconciler-sweep.js';
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
  /** Seeds the bus's losses; shown in the summary. Default 1. */
  readonly seed?: number;
  /** What the bus loses of the run's events before the source queue (local endpoints). */
  readonly busFaults?: BusFaults;
  /**
   * Local endpoints: once the queue has drained, sweep the events' domains as the scheduled reconciler does, then
   * drain what the sweep enqueued (and the outcomes of the runs it leads to).
   */
  readonly reconcile?: boolean;
}

export interface ScenarioResult {
  /** What became of each event sent. */
  readonly outcomes: Accounting['outcomes'];
  /** What became of each outcome event the local DataZone published. */
  readonly outcomeEvents: Accounting['outcomes'];
  /** What became of each event the reconciler's sweep enqueued. */
  readonly reconciledEvents: Accounting['outcomes'];
  readonly summary: ScenarioSummary;
  readonly accounting: Accounting;
  /** The run's events that reached the source queue. */
  readonly sent: readonly SentEvent[];
  /** The run's events the bus lost. */
  readonly dropped: readonly NumberedEvent[];
  /** The events the reconciler's sweep put on the source queue, numbered after those before them. */
  readonly reconciled: readonly SentEvent[];
  readonly sweep?: SweepResult;
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
  if (options.reconcile && local === undefined) throw new Error('a sweep needs the local endpoints');
  const workerEnv = workerEnvironment(connection, options.workerEnv);
  const waitUntil = (local?.time.now() ?? 0) + (options.outcomeTimeoutMs ?? DEFAULT_OUTCOME_TIMEOUT_MS);
  // A world used for several runs, or seeded with runs someone else started: what was there before is not this
  // run's business (their outcomes, if they come, are still accounted for as events).
  const earlierRuns = new Set(local?.dataZone.runs.map((run) => run.id));
  const { sent, dropped } = await sendThroughBus(connection, options, log);
  // Outcome events and reconciled events are numbered after the run's own events, as they come.
  let lastIndex = options.events.length;
  const nextIndex = () => ++lastIndex;
  const settings = options.eventSource ?? {};
  const loadHandler = options.loadHandler ?? importHandler;
  const bus: LocalEventBus | undefined = local
    ? localEventBus({
        dataZone: local.dataZone,
        sqs: connection.sqs,
        queueUrl: connection.sourceQueueUrl,
        waitUntil,
        nextIndex,
        log,
      })
    : undefined;
  const source: EventSourceOptions = {
    ...settings,
    sqs: connection.sqs,
    functionName: FUNCTION_NAME,
    queueUrl: connection.sourceQueueUrl,
    queueArn: connection.queueArn,
    region: connection.queueRegion,
    loadContainer: keepContainers((container) =>
      local
        ? withWorkerClock(local.time.now, () => loadHandler(workerEnv, container))
        : loadHandler(workerEnv, container),
    ),
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
  };
  const capture = captureWorkerOutput({ echo: options.echo ?? 'none' });
  const startedAt = Date.now();
  let eventSource: EventSourceResult;
  let sweep: SweepResult | undefined;
  let reconciled: SentEvent[] = [];
  try {
    eventSource = await runEventSource(source);
    // A sweep only once the queue has drained and every run started has ended: it judges what is left.
    if (options.reconcile && local && eventSource.drained) {
      const bodies = [...sent, ...dropped].map((event) => event.body);
      sweep = await reconcilerSweep({
        world: local,
        sqs: connection.sqs,
        sourceQueueUrl: connection.sourceQueueUrl,
        workerEnv,
        domainIds: namedDomains(local.dataZone.catalog, bodies),
        log,
      });
      reconciled = sweep.enqueued.map((event) => ({ ...event, index: nextIndex() }));
      log(`the sweep enqueued ${reconciled.length} event(s); draining the source queue again`);
      eventSource = bothDrains(eventSource, await drainAgain(source, eventSource, startedAt), startedAt);
    }
  } finally {
    capture.restore();
  }
  const published = bus?.delivered ?? [];
  const { accounting, outcomeAccounting, reconciledAccounting, summary } = await collectResults({
    connection,
    sent,
    published,
    earlierRuns,
    dropped,
    reconcile: options.reconcile ?? false,
    ...(sweep === undefined ? {} : { sweep }),
    reconciled,
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
    reconciledEvents: reconciledAccounting.outcomes,
    summary,
    accounting,
    sent,
    dropped,
    reconciled,
    ...(sweep === undefined ? {} : { sweep }),
    published,
    runs: local?.dataZone.runs.filter((run) => !earlierRuns.has(run.id)) ?? [],
    eventSource,
    output: capture.lines,
    ...(local ? { world: local, dataZone: local.dataZone, sqs: local.sqs } : {}),
  };
}

/** The run's events through the bus: those it does not lose are sent, keeping their numbers. */
async function sendThroughBus(
  connection: Connection,
  options: ScenarioOptions,
  log: (line: string) => void,
): Promise<{ sent: SentEvent[]; dropped: readonly NumberedEvent[] }> {
  const { delivered, dropped } = crossBus(options.events, options.busFaults, options.seed ?? 1);
  if (dropped.length > 0) {
    log(
      `the bus lost ${dropped.length} event(s): ${dropped.map((e) => `#${e.index} ${e.label}`).join(', ')}`,
    );
  }
  const sent = await sendEvents(connection.sqs, connection.sourceQueueUrl, delivered, log);
  return { sent: sent.map((event, i) => ({ ...event, index: delivered[i]?.index ?? event.index })), dropped };
}
