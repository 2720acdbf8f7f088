/**
 * The runner's event source loop itself, with stand-in handlers: Lambda's ReportBatchItemFailures semantics,
 * visibility and virtual time, the function timeout, the bounds, and the records compared with the ones the local
 * SQS builds for Lambda. Then the runner against endpoints it did not start (real time), and the CLI.
 */
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startLocalDataZone } from '../../tools/local/datazone/server.js';
import { type EventSourceOptions, runEventSource } from '../../tools/local/runner/event-source.js';
import type { LambdaHandler } from '../../tools/local/runner/lambda-invocation.js';
import { runScenario } from '../../tools/local/runner/scenario.js';
import { type LocalWorld, startLocalWorld } from '../../tools/local/runner/world.js';
import { startLocalSqs } from '../../tools/local/sqs/server.js';
import { freshWorker, samples } from './support.js';

let world: LocalWorld;
let sqs: SQSClient;

beforeEach(async () => {
  world = await startLocalWorld({ maxReceiveCount: 5, visibilityTimeoutSeconds: 180 });
  sqs = new SQSClient({
    endpoint: world.sqs.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    useQueueUrlAsEndpoint: false,
  });
});
afterEach(async () => {
  sqs.destroy();
  await world.close();
  vi.unstubAllEnvs();
});

const send = (...bodies: string[]) => bodies.map((body) => world.sqs.send(world.sourceQueue, body));

function source(handler: LambdaHandler, options: Partial<EventSourceOptions> = {}) {
  return runEventSource({
    sqs,
    queueUrl: world.sqs.queueUrl(world.sourceQueue),
    queueArn: world.sqs.queueArn(world.sourceQueue),
    region: 'eu-west-1',
    loadContainer: async () => handler,
    settled: world.settled,
    virtualTime: { time: world.time, peek: () => world.sqs.peek(world.sourceQueue) },
    ...options,
  });
}

/** A handler that answers each invocation with the next of `responses` (then success), recording the events. */
function scripted(...responses: ((event: SQSEvent) => unknown)[]) {
  const events: SQSEvent[] = [];
  const handler: LambdaHandler = async (event) => {
    events.push(event as SQSEvent);
    const next = responses.shift();
    return next === undefined ? { batchItemFailures: [] } : next(event as SQSEvent);
  };
  return { handler, events };
}

const ids = (event: SQSEvent | undefined) => event?.Records.map((r) => r.messageId) ?? [];

describe('event source: ReportBatchItemFailures, as Lambda', () => {
  it('deletes every record not reported; reported ones come back after their visibility timeout', async () => {
    const [a, b, c] = send('a', 'b', 'c');
    const { handler, events } = scripted(
      (): SQSBatchResponse => ({ batchItemFailures: [{ itemIdentifier: b ?? '' }] }),
    );
    const result = await source(handler);

    expect(result).toMatchObject({ drained: true, invocations: 2, records: 4, deleted: 3, handedBack: 1 });
    expect(ids(events[0])).toEqual([a, b, c]);
    expect(ids(events[1])).toEqual([b]);
    expect(events[1]?.Records[0]?.attributes.ApproximateReceiveCount).toBe('2');
    // Nobody changed its visibility: it came back after the queue's 180 s, skipped on the virtual clock.
    expect(result.virtualSkippedMs).toBeGreaterThan(170_000);
    expect(result.realMs).toBeLessThan(3000);
  });

  it('deletes nothing when the function throws', async () => {
    send('a', 'b');
    const { handler, events } = scripted(() => {
      throw new Error('boom');
    });
    const result = await source(handler);
    expect(result.verdicts).toMatchObject({ error: 1, success: 1 });
    expect(ids(events[1]).sort()).toEqual(ids(events[0]).sort());
    expect(result.reports[0]).toMatchObject({ verdict: 'error', deleted: [], error: 'Error: boom' });
  });

  it.each([
    ['an empty itemIdentifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['an unknown itemIdentifier', { batchItemFailures: [{ itemIdentifier: 'not-in-the-batch' }] }],
    ['batchItemFailures that is not a list', { batchItemFailures: 'all' }],
  ])('deletes nothing for %s', async (_, response) => {
    send('a', 'b');
    const { handler, events } = scripted(() => response);
    const result = await source(handler);
    expect(result.reports[0]).toMatchObject({ verdict: 'invalid-response', deleted: [] });
    expect(ids(events[1])).toHaveLength(2);
  });

  it('treats a null response or no batchItemFailures as complete success', async () => {
    send('a');
    send('b');
    const { handler } = scripted(
      () => null,
      () => ({}),
    );
    const result = await source(handler, { batchSize: 1 });
    expect(result).toMatchObject({ invocations: 2, deleted: 2, handedBack: 0 });
  });

  it('a function that outlives its timeout: nothing deleted, the batch comes back', async () => {
    send('a');
    let calls = 0;
    const result = await source(
      async (_event, context) => {
        calls += 1;
        if (calls === 1) {
          expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(200);
          await sleep(400);
        }
        return { batchItemFailures: [] };
      },
      { functionTimeoutMs: 200 },
    );
    expect(result.reports.map((r) => r.verdict)).toEqual(['timeout', 'success']);
    expect(result.reports[0]?.error).toMatch(/Task timed out after 0.20 seconds/);
  });

  it('moves a message to the DLQ after maxReceiveCount receives (the queue redrive policy)', async () => {
    const [id] = send('poison');
    const { handler, events } = scripted(
      ...Array.from({ length: 10 }, () => () => ({ batchItemFailures: [{ itemIdentifier: id }] })),
    );
    const result = await source(handler);
    expect(events).toHaveLength(5);
    expect(result.drained).toBe(true);
    expect(world.sqs.peek(world.deadLetterQueue)).toMatchObject([
      { messageId: id, body: 'poison', receiveCount: 5 },
    ]);
  });

  it('stops at a bound and says so', async () => {
    const [id] = send('poison');
    const { handler } = scripted(
      ...Array.from({ length: 10 }, () => () => ({ batchItemFailures: [{ itemIdentifier: id }] })),
    );
    const result = await source(handler, { limits: { maxInvocations: 2 } });
    expect(result).toMatchObject({
      drained: false,
      invocations: 2,
      stoppedBy: 'invocation bound reached (2)',
    });
  });

  it('runs several containers at once, never two invocations in one container', async () => {
    send(...Array.from({ length: 12 }, (_, i) => `m${i}`));
    const active = new Map<number, number>();
    let overlap = false;
    let peak = 0;
    const result = await runEventSource({
      sqs,
      queueUrl: world.sqs.queueUrl(world.sourceQueue),
      queueArn: world.sqs.queueArn(world.sourceQueue),
      region: 'eu-west-1',
      concurrency: 3,
      batchSize: 2,
      settled: world.settled,
      virtualTime: { time: world.time, peek: () => world.sqs.peek(world.sourceQueue) },
      loadContainer: async (container) => async () => {
        active.set(container, (active.get(container) ?? 0) + 1);
        if ((active.get(container) ?? 0) > 1) overlap = true;
        peak = Math.max(
          peak,
          [...active.values()].reduce((sum, n) => sum + n, 0),
        );
        await sleep(30);
        active.set(container, (active.get(container) ?? 1) - 1);
        return { batchItemFailures: [] };
      },
    });
    expect(result).toMatchObject({ drained: true, invocations: 6, deleted: 12 });
    expect(overlap).toBe(false);
    expect(peak).toBeGreaterThan(1);
  });

  it('numbers invocations as they start, each number once, while containers run at the same time', async () => {
    send(...Array.from({ length: 12 }, (_, i) => `m${i}`));
    const slowSuccess: LambdaHandler = async () => {
      await sleep(30);
      return { batchItemFailures: [] };
    };
    const result = await source(slowSuccess, {
      concurrency: 3,
      batchSize: 2,
      loadContainer: async () => slowSuccess,
    });
    expect(result.invocations).toBe(6);
    expect(result.reports.map((r) => r.invocation).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('builds records as the local SQS builds them for Lambda, message attributes included', async () => {
    const attributes = {
      Origin: { DataType: 'String', StringValue: 'e2e' },
      Blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
    };
    world.sqs.send(world.sourceQueue, '{"same":"body"}', attributes);
    const { handler, events } = scripted();
    await source(handler);
    world.sqs.send(world.sourceQueue, '{"same":"body"}', attributes);
    const reference = world.sqs.receiveLambdaEvent(world.sourceQueue).Records[0];

    const [record] = events[0]?.Records ?? [];
    const comparable = (r: typeof record) => ({
      ...r,
      messageId: '-',
      receiptHandle: '-',
      attributes: { ...r?.attributes, SentTimestamp: '-', ApproximateFirstReceiveTimestamp: '-' },
    });
    expect(comparable(record)).toEqual(comparable(reference));
    expect(record?.messageAttributes).toEqual({
      Origin: { stringValue: 'e2e', stringListValues: [], binaryListValues: [], dataType: 'String' },
      Blob: { binaryValue: 'AQID', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
    });
  });
});

describe('the runner against endpoints it did not start (real time)', () => {
  it('runs the sample events without starting anything, and accounts for every one', async () => {
    const dataZone = await startLocalDataZone();
    const external = await startLocalSqs({
      queues: {
        dlq: {},
        source: { visibilityTimeoutSeconds: 30, redrive: { deadLetterQueue: 'dlq', maxReceiveCount: 5 } },
      },
    });
    try {
      const credentials = { accessKeyId: 'external', secretAccessKey: 'external' };
      const result = await runScenario({
        events: samples(),
        endpoints: {
          kind: 'external',
          sourceQueueUrl: external.queueUrl('source'),
          deadLetterQueueUrl: external.queueUrl('dlq'),
          region: 'eu-west-1',
          sqsEndpoint: external.url,
          credentials,
        },
        workerEnv: {
          AWS_ENDPOINT_URL_DATAZONE: dataZone.url,
          AWS_ENDPOINT_URL_SQS: external.url,
          AWS_ACCESS_KEY_ID: credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        },
        loadHandler: freshWorker,
        eventSource: { waitTimeSeconds: 1 },
      });

      expect(result.summary.violations).toEqual([]);
      expect(result.summary.ok).toBe(true);
      expect(result.world).toBeUndefined();
      expect(result.summary.totals).toMatchObject({ skipped: 6, 'dead-lettered': 5, unaccounted: 0 });
      expect(result.summary.totals.started + result.summary.totals['already-exists']).toBe(9);
      expect(dataZone.runs).toHaveLength(4);
      expect(external.peek('source')).toEqual([]);
      expect(external.peek('dlq')).toHaveLength(5);
      expect(result.eventSource.virtualSkippedMs).toBe(0);
    } finally {
      await Promise.all([dataZone.close(), external.close()]);
    }
  });
});

describe('npm start', () => {
  it('runs the samples and prints a JSON summary; exit status 0', async () => {
    const run = promisify(execFile);
    const root = new URL('../../', import.meta.url).pathname;
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'tools/local/run.ts', '--quiet', '--json', '--seed', '3'],
      { cwd: root, env: { ...process.env, AWS_ENDPOINT_URL_DATAZONE: '', AWS_ENDPOINT_URL_SQS: '' } },
    );
    const { summary, outcomes } = JSON.parse(stdout) as {
      summary: { ok: boolean; totals: Record<string, number> };
      outcomes: unknown[];
    };
    expect(summary.ok).toBe(true);
    expect(outcomes).toHaveLength(20);
    expect(summary.totals).toMatchObject({ skipped: 6, 'dead-lettered': 5, unaccounted: 0 });
  });
});
