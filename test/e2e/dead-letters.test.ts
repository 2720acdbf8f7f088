/**
 * End to end: what reaches the dead-letter queue, how, and with what. Permanent errors and malformed bodies are
 * sent there by the worker, byte for byte, with their reason as attributes; a DLQ that refuses sends leaves the
 * message in the source queue; transient errors that never clear reach it through the queue's redrive policy.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadCatalog } from '../../tools/local/datazone/catalog.js';
import { runScenario } from '../../tools/local/runner/scenario.js';
import { startLocalWorld } from '../../tools/local/runner/world.js';
import { MALFORMED_BODY } from '../support/fixtures.js';
import { assetEvent, expectAccountedOnce, freshWorker, sample, sampleLabel } from './support.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

const catalog = loadCatalog();
const MALFORMED = sample('sqs/malformed-body.json');
/** The sample batch's body that is cut off in the middle of its JSON. */
const TRUNCATED = sample('sqs/batch.json').filter((e) => e.body === MALFORMED_BODY.body);

describe('e2e: permanent errors and malformed bodies', () => {
  it('go to the DLQ unchanged, with their reasons as attributes; the other events are unaffected', async () => {
    const events = [
      assetEvent(catalog, 'c1u9e5y8b2m6qa'),
      assetEvent(catalog, 'j3c8f2y6v0a4ks'),
      assetEvent(catalog, 'd4r7t1w9k3p5zn', '2'),
      ...sample('eventbridge/unknown-asset.json'),
      ...MALFORMED,
      assetEvent(catalog, 'h7w1b5n9q3e6ux', '4'),
      ...TRUNCATED,
      // A Glue table without a schema: the endpoint itself refuses to generate metadata for it.
      assetEvent(catalog, 'k9t4x8m2h6b1pr'),
    ];
    const result = await runScenario({
      events,
      loadHandler: freshWorker,
      world: {
        dataZoneFaults: {
          forceErrors: { c1u9e5y8b2m6qa: 'AccessDeniedException', d4r7t1w9k3p5zn: 'ValidationException' },
        },
      },
    });

    expectAccountedOnce(result);
    const world = result.world;
    if (world === undefined) throw new Error('local world expected');
    const sourceArn = world.sqs.queueArn(world.sourceQueue);
    const dlq = world.sqs.peek(world.deadLetterQueue);
    const expected: Record<string, string> = {
      'c1u9e5y8b2m6qa@1': 'AccessDeniedException',
      'd4r7t1w9k3p5zn@2': 'ValidationException',
      'eventbridge/unknown-asset.json': 'ResourceNotFoundException',
      'sqs/malformed-body.json#1': 'InvalidEventError',
      [sampleLabel(MALFORMED_BODY)]: 'InvalidEventError',
      'k9t4x8m2h6b1pr@1': 'ValidationException',
    };
    expect(dlq).toHaveLength(Object.keys(expected).length);
    for (const [label, errorName] of Object.entries(expected)) {
      const sent = result.sent.find((e) => e.label === label);
      const message = dlq.find((m) => m.messageAttributes.SourceMessageId?.StringValue === sent?.messageId);
      expect(message, label).toBeDefined();
      // Byte-identical body: the DLQ message can be redriven as it is.
      expect(message?.body, label).toBe(sent?.body);
      const attributes = Object.fromEntries(
        Object.entries(message?.messageAttributes ?? {}).map(([name, a]) => [name, a.StringValue]),
      );
      expect(attributes, label).toMatchObject({
        ErrorName: errorName,
        ErrorMessage: expect.any(String),
        SourceMessageId: sent?.messageId,
        ApproximateReceiveCount: '1',
        SourceQueueArn: sourceArn,
        FailedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      if (errorName !== 'InvalidEventError') {
        expect(attributes.ClientToken, label).toMatch(/^dzmg1-/);
        expect(attributes.DetailType, label).toBe(
          label.includes('unknown') ? 'Asset Added To Catalog' : 'Asset Added To Inventory',
        );
      }
      const outcome = result.outcomes.find((o) => o.label === label);
      expect(outcome, label).toMatchObject({
        status: 'dead-lettered',
        deadLetteredBy: 'worker',
        errorName,
        deliveries: 1,
      });
    }
    // Permanent means one attempt: no SDK retry, no redelivery.
    for (const assetId of ['c1u9e5y8b2m6qa', 'd4r7t1w9k3p5zn', 'zz9deleted0001', 'k9t4x8m2h6b1pr']) {
      expect(
        world.dataZone.requests.filter((r) => r.body && JSON.stringify(r.body).includes(assetId)),
        assetId,
      ).toHaveLength(1);
    }
    expect(result.summary.totals).toMatchObject({ started: 2, 'dead-lettered': 6 });
    expect(result.eventSource.handedBack).toBe(0);
  });
});

describe('e2e: a dead-letter queue that rejects sends', () => {
  it('keeps the message in the source queue until the DLQ accepts it again, then it lands there', async () => {
    const world = await startLocalWorld();
    try {
      world.sqs.failSends(world.deadLetterQueue, 'InternalError');
      const seenWhileRejecting: { inSource: boolean; inDlq: number; receiveCount: number }[] = [];
      const result = await runScenario({
        events: [...MALFORMED, assetEvent(catalog, 'j3c8f2y6v0a4ks')],
        endpoints: world,
        loadHandler: freshWorker,
        eventSource: {
          onInvocation: (report) => {
            const malformed = report.records.find((r) => report.handedBack.includes(r.messageId));
            if (malformed === undefined) return;
            const inSource = world.sqs
              .peek(world.sourceQueue)
              .some((m) => m.messageId === malformed.messageId);
            seenWhileRejecting.push({
              inSource,
              inDlq: world.sqs.peek(world.deadLetterQueue).length,
              receiveCount: malformed.receiveCount,
            });
            // After two refused sends, the DLQ recovers.
            if (malformed.receiveCount === 2) world.sqs.clearFaults();
          },
        },
      });

      expectAccountedOnce(result);
      expect(seenWhileRejecting).toEqual([
        { inSource: true, inDlq: 0, receiveCount: 1 },
        { inSource: true, inDlq: 0, receiveCount: 2 },
      ]);
      const [message] = world.sqs.peek(world.deadLetterQueue);
      const sent = result.sent[0];
      expect(message?.body).toBe(sent?.body);
      expect(message?.messageAttributes.SourceMessageId?.StringValue).toBe(sent?.messageId);
      expect(message?.messageAttributes.ErrorName?.StringValue).toBe('InvalidEventError');
      expect(message?.messageAttributes.ApproximateReceiveCount?.StringValue).toBe('3');
      expect(result.outcomes[0]).toMatchObject({
        status: 'dead-lettered',
        deadLetteredBy: 'worker',
        deliveries: 3,
      });
      expect(result.outcomes[1]).toMatchObject({ status: 'started', deliveries: 1 });
      expect(result.summary.metrics.DeadLetterSendFailures).toBe(2);
    } finally {
      await world.close();
    }
  });

  it('a DLQ that never accepts: the redrive policy still moves the message there (SQS does not send)', async () => {
    const world = await startLocalWorld({ maxReceiveCount: 3 });
    try {
      world.sqs.failSends(world.deadLetterQueue, 'InternalError');
      const result = await runScenario({ events: MALFORMED, endpoints: world, loadHandler: freshWorker });

      expectAccountedOnce(result);
      const [message] = world.sqs.peek(world.deadLetterQueue);
      expect(message).toMatchObject({ messageId: result.sent[0]?.messageId, body: result.sent[0]?.body });
      expect(message?.deadLetterQueueSourceArn).toBe(world.sqs.queueArn(world.sourceQueue));
      expect(result.outcomes[0]).toMatchObject({
        status: 'dead-lettered',
        deadLetteredBy: 'redrive',
        deliveries: 3,
      });
      expect(result.outcomes[0]?.reason).toMatch(/dead-letter send failed .* for InvalidEventError/);
    } finally {
      await world.close();
    }
  });
});

describe('e2e: transient errors that never clear', () => {
  it('reach the DLQ through the redrive policy after maxReceiveCount receives', async () => {
    const result = await runScenario({
      events: [
        ...sample('eventbridge/asset-added-to-inventory.json'),
        ...sample('eventbridge/asset-added-to-catalog.json'),
      ],
      loadHandler: freshWorker,
      world: {
        dataZoneFaults: { forceErrors: { ayzstznnx4dxyf: 'InternalServerException' } },
        maxReceiveCount: 5,
      },
    });

    expectAccountedOnce(result);
    const world = result.world;
    if (world === undefined) throw new Error('local world expected');
    const [failing, healthy] = result.sent;
    const dlq = world.sqs.peek(world.deadLetterQueue);
    expect(dlq).toHaveLength(1);
    // Moved by SQS, not sent by the worker: same message id and body, the source queue's ARN, no reason attributes.
    expect(dlq[0]).toMatchObject({
      messageId: failing?.messageId,
      body: failing?.body,
      receiveCount: 5,
      deadLetterQueueSourceArn: world.sqs.queueArn(world.sourceQueue),
      messageAttributes: {},
    });
    expect(result.outcomes[0]).toMatchObject({
      status: 'dead-lettered',
      deadLetteredBy: 'redrive',
      errorName: 'InternalServerException',
      deliveries: 5,
    });
    expect(result.outcomes[1]).toMatchObject({ status: 'started', messageId: healthy?.messageId });
    // Bounded: 5 deliveries x 3 SDK attempts, no more (a redelivery checks the asset's runs instead of starting).
    const calls = world.dataZone.requests.filter((r) => JSON.stringify(r).includes('ayzstznnx4dxyf'));
    expect(calls.length).toBeLessThanOrEqual(15);
    expect(calls.length).toBeGreaterThanOrEqual(5);
    expect(world.dataZone.runsFor('dzd_bc8e1ez8r2a6xz', 'ayzstznnx4dxyf')).toEqual([]);
  });
});
