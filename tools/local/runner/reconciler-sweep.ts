// The scheduled reconciler, once, against the local world: after the source queue has drained, a sweep of each
// domain the run's events name, by the reconciler's own code (reconcileStep → sweepPage, DataZoneSweepCalls,
// SqsEventQueue) with the worker's GENERATION_TYPES and SUPPORTED_ASSET_TYPES. Its sweep queue is a list in this
// process (messages go through the same JSON as on SQS); a step that fails is taken again, as SQS would redeliver
// its message, after a pause the virtual clock skips.
import type { SQSClient } from '@aws-sdk/client-sqs';
import { parseAssetEvent, parseEnvelopeJson } from '../../../src/core/asset-event.js';
import { summarise } from '../../../src/core/outcome.js';
import { createDataZoneClient } from '../../../src/datazone/client.js';
import { bucketsPerOperation, RequestBudget } from '../../../src/datazone/request-budget.js';
import { DataZoneSweepCalls } from '../../../src/datazone/sweep-calls.js';
import { SqsEventQueue } from '../../../src/queues/event-queue.js';
import { loadConfig } from '../../../src/runtime/config.js';
import { InvocationDeadline } from '../../../src/runtime/deadline.js';
import { SWEEP_OPERATIONS } from '../../../src/runtime/operation-rates.js';
import { parseSweepMessage, reconcileStep, type SweepCursor } from '../../../src/sweep/reconcile.js';
import { addCounts, NO_COUNTS, type SweepCounts } from '../../../src/sweep/sweep.js';
import { LOCAL_CREDENTIALS } from './endpoints.js';
import type { LocalWorld } from './world.js';

/** The reconciler's largest page. */
const PAGE_SIZE = 50;
/**
 * The local worker's pace (LOCAL_WORKER_DEFAULTS) rather than the production sweep's 1 request/s: a sweep of the
 * sample catalog then takes a second, not half a minute of real time.
 */
/** Each operation's, as the reconciler's per-operation buckets. */
const SWEEP_RATE = { ratePerSecond: 20, burst: 10 };
/** Lambda's longest timeout: every step has time for every page, so one step sweeps a domain whole. */
const STEP_TIME_MS = 900_000;
/** Deliveries of a sweep message before the sweep of its domain is given up (the sweep queue's redrive). */
const STEP_ATTEMPTS = 5;
const REQUEST_TIMEOUT_MS = 10_000;

export interface DomainSweep {
  readonly domainId: string;
  readonly sweepId: string;
  /** What the sweep found, so far as it went. */
  readonly counts: SweepCounts;
  /** Set when a step failed on every delivery: the sweep of the domain stopped there. */
  readonly failure?: string;
}

/** A reconciled event on the source queue, as the sweep left it there. */
interface EnqueuedEvent {
  readonly messageId: string;
  readonly body: string;
  readonly label: string;
}

export interface SweepResult {
  readonly domains: readonly DomainSweep[];
  /** Every domain's counts, added up. */
  readonly counts: SweepCounts;
  /** The events the sweep put on the source queue, in queue order. */
  readonly enqueued: readonly EnqueuedEvent[];
}

export interface ReconcilerSweepOptions {
  readonly world: LocalWorld;
  /** The runner's SQS client, for the sweep's SqsEventQueue. */
  readonly sqs: SQSClient;
  readonly sourceQueueUrl: string;
  /** The worker's environment: its GENERATION_TYPES and SUPPORTED_ASSET_TYPES decide what is missing. */
  readonly workerEnv: Readonly<Record<string, string>>;
  readonly domainIds: readonly string[];
  readonly log: (line: string) => void;
}

/** Sweeps every domain once, as one scheduled sweep does, and returns what it found and enqueued. */
export async function reconcilerSweep(options: ReconcilerSweepOptions): Promise<SweepResult> {
  const { world, log } = options;
  const clock = world.time.now;
  const worker = loadConfig(options.workerEnv);
  const settings = {
    domainIds: options.domainIds,
    owningProjectId: undefined,
    publishedOnly: false,
    generationTypes: worker.generationTypes,
    supportedAssetTypes: worker.supportedAssetTypes,
    pageSize: PAGE_SIZE,
    retry: worker,
  };
  const deadline = new InvocationDeadline(clock);
  const client = createDataZoneClient(REQUEST_TIMEOUT_MS, Math.random, {
    endpoint: world.dataZone.url,
    region: world.sqs.region,
    credentials: LOCAL_CREDENTIALS,
  });
  const datazone = new DataZoneSweepCalls(
    client,
    new RequestBudget(
      bucketsPerOperation(Object.fromEntries(SWEEP_OPERATIONS.map((op) => [op, SWEEP_RATE])), clock),
      deadline,
      clock,
    ),
    deadline,
    clock,
  );
  const queue = new SqsEventQueue(options.sqs, options.sourceQueueUrl);
  const domains = new Map<string, DomainSweep>();
  const record = (cursor: SweepCursor) =>
    domains.set(cursor.domainId, {
      domainId: cursor.domainId,
      sweepId: cursor.sweepId,
      counts: cursor.counts,
    });
  const sweepQueue: string[] = [JSON.stringify({ start: true })];
  try {
    for (let body = sweepQueue.shift(); body !== undefined; body = sweepQueue.shift()) {
      const message = parseSweepMessage(body);
      if (message === undefined) throw new Error(`the sweep queue holds an unreadable message: ${body}`);
      const step = async () => {
        deadline.start(STEP_TIME_MS, 0);
        const session = datazone.sweepSession();
        try {
          await reconcileStep(message, settings, {
            datazone: session,
            queue,
            clock,
            warn: (text, fields) => log(`sweep: ${text} ${JSON.stringify(fields)}`),
            hasTimeForAPage: () => true,
            continueWith: async (cursor) => {
              record(cursor);
              sweepQueue.push(JSON.stringify(cursor));
            },
            pageSwept: (cursor, page) => {
              record(cursor);
              log(
                `sweep of ${cursor.domainId}: ${page.assetsScanned} asset(s) scanned, ` +
                  `${page.revisionsMissing} revision(s) missing, ${page.enqueued} enqueued`,
              );
            },
            sweepDone: record,
          });
        } finally {
          session.close();
          deadline.finish();
        }
      };
      const failure = await withRedelivery(step, world, log);
      if (failure !== undefined && 'domainId' in message) {
        const { domainId, sweepId, counts } = message;
        domains.set(domainId, { ...(domains.get(domainId) ?? { domainId, sweepId, counts }), failure });
      }
    }
  } finally {
    client.destroy();
  }
  const swept = [...domains.values()];
  const sweepIds = new Set(swept.map((d) => d.sweepId));
  return {
    domains: swept,
    counts: swept.reduce((sum, d) => addCounts(sum, d.counts), NO_COUNTS),
    enqueued: enqueuedBy(world, sweepIds),
  };
}

/** Runs a step until it succeeds or has failed STEP_ATTEMPTS times; returns the last failure then. */
async function withRedelivery(
  step: () => Promise<void>,
  world: LocalWorld,
  log: (line: string) => void,
): Promise<string | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      await step();
      return undefined;
    } catch (error) {
      const { name, message } = summarise(error);
      const failure = `${name}: ${message}`;
      if (attempt >= STEP_ATTEMPTS) {
        log(`sweep step failed ${attempt} times, given up: ${failure}`);
        return failure;
      }
      // Nothing else runs while the sweep does: the clock may skip the pause, and DataZone's bucket refills.
      const pauseMs = 1000 * 2 ** attempt;
      log(`sweep step failed (${failure}); again in ${pauseMs / 1000} s of virtual time`);
      world.time.advanceTo(world.time.now() + pauseMs);
    }
  }
}

/** The source queue's reconciled events of these sweeps (the queue had drained before the sweep began). */
function enqueuedBy(world: LocalWorld, sweepIds: ReadonlySet<string>): EnqueuedEvent[] {
  return world.sqs.peek(world.sourceQueue).flatMap((message) => {
    const envelope = parseEnvelopeJson(message.body);
    const event = envelope.ok ? parseAssetEvent(envelope.value) : undefined;
    const mark = event?.ok ? event.value.reconciliation : undefined;
    if (!event?.ok || mark === undefined || !sweepIds.has(mark.sweepId)) return [];
    const { assetId, revision } = event.value;
    return [{ messageId: message.messageId, body: message.body, label: `reconciled ${assetId}@${revision}` }];
  });
}
