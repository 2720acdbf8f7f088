/**
 * The scheduled reconciler's way through a catalog larger than one invocation's work, over the wire: each
 * invocation takes a cursor from the sweep queue (local SQS), sweeps pages with the real adapters while it "has
 * time", and puts the rest of the sweep back on the sweep queue, until the sweep is done.
 */
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  parseSweepMessage,
  type ReconcileSettings,
  reconcileStep,
  type SweepCursor,
} from '../../src/sweep/reconcile.js';
import { generatedAssetId } from '../../tools/local/datazone/generated-catalog.js';
import { type LocalWorld, startLocalWorld } from '../../tools/local/runner/world.js';
import {
  asExpected,
  DEFAULT_TYPES,
  DOMAIN,
  expectedCovered,
  expectedMissing,
  expectedSkippedByType,
  queuedEvents,
  SUPPORTED,
  type SweepAdapters,
  seedRuns,
  sweepAdapters,
  sweepCatalog,
} from './sweep-support.js';

const ASSETS = 133;
const PAGE_SIZE = 10;
const PAGES_PER_INVOCATION = 3;
const SWEEP_QUEUE = 'sweep';
const SWEEP_VISIBILITY_SECONDS = 60;
const STARTED_AT = Date.parse('2026-11-30T03:00:00Z');

const settings: ReconcileSettings = {
  domainIds: [DOMAIN],
  owningProjectId: undefined,
  publishedOnly: false,
  generationTypes: DEFAULT_TYPES,
  supportedAssetTypes: SUPPORTED,
  retry: { maxRunAttempts: 3, runRetryBaseSeconds: 300 },
  pageSize: PAGE_SIZE,
};

let world: LocalWorld;
let adapters: SweepAdapters;
let sqs: SQSClient;

beforeEach(async () => {
  world = await startLocalWorld({ catalog: sweepCatalog(ASSETS) });
  world.sqs.createQueue(SWEEP_QUEUE, { visibilityTimeoutSeconds: SWEEP_VISIBILITY_SECONDS });
  await seedRuns(world.dataZone, ASSETS, DEFAULT_TYPES);
  adapters = sweepAdapters(world);
  sqs = new SQSClient({
    endpoint: world.sqs.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    useQueueUrlAsEndpoint: false,
  });
});
afterEach(async () => {
  sqs.destroy();
  adapters.close();
  await world.close();
  vi.unstubAllEnvs();
});

interface Invocation {
  readonly received: SweepCursor | 'start';
  readonly continued: SweepCursor[];
  readonly done: SweepCursor[];
  readonly failure?: unknown;
}

const sweepQueueUrl = () => world.sqs.queueUrl(SWEEP_QUEUE);

/**
 * One invocation of the reconciler with one sweep message: its own DataZone session, at most
 * PAGES_PER_INVOCATION pages, the message deleted when the step succeeds and left to come back when it fails.
 */
async function invoke(): Promise<Invocation | undefined> {
  const { Messages: [message] = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: sweepQueueUrl(), MaxNumberOfMessages: 1 }),
  );
  if (message?.Body === undefined) return undefined;
  const parsed = parseSweepMessage(message.Body);
  if (parsed === undefined) throw new Error(`unreadable sweep message: ${message.Body}`);
  const continued: SweepCursor[] = [];
  const done: SweepCursor[] = [];
  let pages = 0;
  const session = adapters.session();
  const invocation = { received: 'start' in parsed ? ('start' as const) : parsed, continued, done };
  try {
    await reconcileStep(parsed, settings, {
      datazone: session,
      queue: adapters.queue,
      clock: () => STARTED_AT,
      warn: (text, fields) => {
        throw new Error(`unexpected warning: ${text} ${JSON.stringify(fields)}`);
      },
      hasTimeForAPage: () => pages < PAGES_PER_INVOCATION,
      continueWith: async (cursor) => {
        continued.push(cursor);
        await sqs.send(
          new SendMessageCommand({ QueueUrl: sweepQueueUrl(), MessageBody: JSON.stringify(cursor) }),
        );
      },
      pageSwept: () => {
        pages += 1;
      },
      sweepDone: (cursor) => void done.push(cursor),
    });
  } catch (failure) {
    return { ...invocation, failure };
  } finally {
    session.close();
  }
  await sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: sweepQueueUrl(),
      Entries: [{ Id: '0', ReceiptHandle: message.ReceiptHandle }],
    }),
  );
  return invocation;
}

/** The schedule's start message, then invocations until the sweep queue is empty. */
async function runSweep(): Promise<Invocation[]> {
  await sqs.send(new SendMessageCommand({ QueueUrl: sweepQueueUrl(), MessageBody: '{"start":true}' }));
  const invocations: Invocation[] = [];
  while (world.sqs.peek(SWEEP_QUEUE).length > 0) {
    if (invocations.length > 50) throw new Error('the sweep does not end');
    const invocation = await invoke();
    if (invocation === undefined) {
      // A failed invocation's message comes back once its visibility timeout has passed.
      world.time.advanceTo(world.time.now() + (SWEEP_VISIBILITY_SECONDS + 1) * 1000);
      continue;
    }
    invocations.push(invocation);
  }
  return invocations;
}

const SWEEP_ID = `${new Date(STARTED_AT).toISOString()}/${DOMAIN}`;
const TOTALS = {
  assetsScanned: ASSETS,
  revisionsCovered: expectedCovered(ASSETS, DEFAULT_TYPES),
  revisionsMissing: expectedMissing(ASSETS, DEFAULT_TYPES).length,
  enqueued: expectedMissing(ASSETS, DEFAULT_TYPES).length,
  skippedByType: expectedSkippedByType(ASSETS),
  skippedUnpublished: 0,
  failedRunsRequeued: 0,
  errors: 0,
};

describe('reconciler over the wire: a sweep carried by its cursor', () => {
  it('covers a catalog larger than one invocation in bounded steps, and ends with the right totals', async () => {
    const invocations = await runSweep();

    // The start, then 14 pages of 10 at 3 a step.
    expect(invocations).toHaveLength(1 + Math.ceil(Math.ceil(ASSETS / PAGE_SIZE) / PAGES_PER_INVOCATION));
    expect(invocations.map((invocation) => invocation.failure)).toEqual(invocations.map(() => undefined));
    const handedOn = invocations.flatMap((invocation) => invocation.continued);
    expect(handedOn.map((cursor) => cursor.counts.assetsScanned)).toEqual([0, 30, 60, 90, 120]);
    expect(handedOn.slice(1).every((cursor) => typeof cursor.nextToken === 'string')).toBe(true);
    const done = invocations.flatMap((invocation) => invocation.done);
    expect(done).toEqual([{ sweepId: SWEEP_ID, domainId: DOMAIN, nextToken: undefined, counts: TOTALS }]);

    const events = queuedEvents(world);
    expect(events.map(asExpected)).toEqual(expectedMissing(ASSETS, DEFAULT_TYPES));
    expect(new Set(events.map((event) => `${event.origin} ${event.sweepId}`))).toEqual(
      new Set([`reconciler ${SWEEP_ID}`]),
    );
  });

  it('sweeps a failed step again from its cursor: duplicates at most, the same totals', async () => {
    // The 44th asset is throttled on every attempt the SDK makes, once: the second step (pages 4–6) fails on
    // page 5, after page 4's events were sent.
    const throttled = generatedAssetId(43);
    world.dataZone.setFaults({ forceErrors: { [throttled]: { name: 'ThrottlingException', times: 3 } } });

    const invocations = await runSweep();

    const failed = invocations.filter((invocation) => invocation.failure !== undefined);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.failure).toMatchObject({ name: 'ThrottlingException', kind: 'throttled' });
    expect(invocations.flatMap((invocation) => invocation.done).map((cursor) => cursor.counts)).toEqual([
      TOTALS,
    ]);
    const expected = expectedMissing(ASSETS, DEFAULT_TYPES);
    const events = queuedEvents(world).map(asExpected);
    const page4 = new Set(Array.from({ length: PAGE_SIZE }, (_, i) => generatedAssetId(30 + i)));
    // Every revision found once, and page 4's a second time (its step was swept again from its cursor).
    expect(sortedKeys(events)).toEqual(
      sortedKeys([...expected, ...expected.filter((missing) => page4.has(missing.assetId))]),
    );
  });
});

const sortedKeys = (events: readonly { assetId: string; revision: string }[]) =>
  events.map((event) => `${event.assetId}@${event.revision}`).sort();
