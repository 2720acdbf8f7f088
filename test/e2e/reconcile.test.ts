/**
 * End to end, the reconciler making up for lost events: a bus that loses a seeded share of the asset events before
 * the source queue, then (with reconcile) the scheduled reconciler's sweep over the events' domains once the queue
 * has drained, and the worker draining what it enqueued. Nothing missed: every eligible revision ends with a run of
 * its group. Nothing doubled: one run per revision, group and attempt, and a sweep enqueues no revision that has
 * a run. Without the sweep, the revisions whose events were lost are reported, and fail the run.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseAssetEvent, parseEnvelopeJson } from '../../src/core/asset-event.js';
import { loadCatalog } from '../../tools/local/datazone/catalog.js';
import type { DataZoneFaults } from '../../tools/local/datazone/types.js';
import type { InputEvent } from '../../tools/local/runner/event-files.js';
import { runScenario, type ScenarioResult } from '../../tools/local/runner/scenario.js';
import {
  assetEvent,
  expectAccountedOnce,
  firstRunsPerRevision,
  freshWorker,
  revisionKey,
} from './support.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

const catalog = loadCatalog();
const DOMAIN = 'dzd_bc8e1ez8r2a6xz';
const ORDERS = 'ayzstznnx4dxyf'; // current revision 3
const CUSTOMERS = 'c1u9e5y8b2m6qa';
const ORDER_ITEMS = 'd4r7t1w9k3p5zn'; // current revision 2
const CAMPAIGN_CLICKS = 'e8n2v6c4x1q7jm'; // fails, then succeeds
const ATTRIBUTION = 'f5h9l3s7g1d2wb'; // current revision 2; BUSINESS_NAMES fails, then succeeds
const GENERAL_LEDGER = 'h7w1b5n9q3e6ux'; // current revision 4; canceled; no event names it below
const INVOICES = 'j3c8f2y6v0a4ks';
const RAW_CLICKSTREAM = 'k9t4x8m2h6b1pr'; // a Glue table without a schema: generation refuses it
const LOSSY = { eventLossRate: 0.3 };

/** One event per revision, each the asset's current one: a lost event leaves its revision without one. */
const NAMED = [ORDERS, CUSTOMERS, ORDER_ITEMS, CAMPAIGN_CLICKS, ATTRIBUTION, INVOICES];
const oneEventEach = (): InputEvent[] => NAMED.map((assetId) => assetEvent(catalog, assetId));

/** The current revision of each Glue or Redshift table of the domain that has a schema: what a run is owed. */
const ELIGIBLE = [ORDERS, CUSTOMERS, ORDER_ITEMS, CAMPAIGN_CLICKS, ATTRIBUTION, GENERAL_LEDGER, INVOICES].map(
  (assetId) => current(assetId),
);

function current(assetId: string): string {
  const asset = catalog.domains.flatMap((d) => d.assets).find((a) => a.id === assetId);
  return revisionKey(DOMAIN, assetId, asset?.revisions.at(-1)?.revision ?? '?');
}

function run(options: { reconcile: boolean; dataZoneFaults?: DataZoneFaults; seed?: number }) {
  return runScenario({
    events: oneEventEach(),
    loadHandler: freshWorker,
    busFaults: LOSSY,
    seed: options.seed ?? 1,
    reconcile: options.reconcile,
    ...(options.dataZoneFaults === undefined ? {} : { world: { dataZoneFaults: options.dataZoneFaults } }),
  });
}

/** The revisions the bus lost every event of (here one event each). */
const lostRevisions = (result: ScenarioResult) =>
  result.dropped.map((event) => current(event.asset?.assetId ?? '?')).sort();

/** What a reconciled event on the queue says: its revision and who put it there. */
function reconciledMark(body: string) {
  const envelope = parseEnvelopeJson(body);
  const event = envelope.ok ? parseAssetEvent(envelope.value) : undefined;
  if (!event?.ok || event.value.reconciliation === undefined)
    throw new Error(`not a reconciled event: ${body}`);
  const { domainId, assetId, revision, reconciliation } = event.value;
  return { revision: revisionKey(domainId, assetId, revision ?? '?'), origin: reconciliation.origin };
}

describe('e2e: a lossy bus and the reconciler', () => {
  it('leaves nothing missed and nothing doubled', async () => {
    const result = await run({ reconcile: true });

    expect(result.dropped).toHaveLength(2);
    expectAccountedOnce(result);
    // Nothing missed: every eligible revision has exactly one first run of its group.
    const firstRuns = firstRunsPerRevision(result);
    for (const revision of ELIGIBLE) expect(firstRuns.get(revision), revision).toBe(1);
    expect(result.summary.reconcile).toMatchObject({ swept: true, eligibleRevisions: 7, missed: [] });
    expect(result.summary.ok).toBe(true);
  });

  it('sweeps once the queue has drained, enqueuing only the revisions without a run', async () => {
    const result = await run({ reconcile: true });

    // The lost ones, the one no event named, and one generation refuses (the sweep cannot know that).
    const expected = [...lostRevisions(result), current(GENERAL_LEDGER), current(RAW_CLICKSTREAM)].sort();
    const marks = result.reconciled.map((event) => reconciledMark(event.body));
    expect(marks.map((mark) => mark.revision).sort()).toEqual(expected);
    expect(new Set(marks.map((mark) => mark.origin))).toEqual(new Set(['reconciler']));
    expect(result.summary.reconcile).toMatchObject({
      assetsScanned: 9,
      revisionsCovered: NAMED.length - result.dropped.length,
      revisionsMissing: expected.length,
      enqueued: expected.length,
      skippedByType: 1,
      errors: 0,
    });
    // The refused one is in the DLQ with DataZone's reason, accounted for like any event.
    const refused = result.reconciledEvents.find((o) => o.label === `reconciled ${RAW_CLICKSTREAM}@1`);
    expect(refused).toMatchObject({ status: 'dead-lettered', errorName: 'ValidationException' });
    // Reconciled events are numbered after the run's own events and the outcome events before them.
    const before = Math.max(...[...result.sent, ...result.dropped].map((e) => e.index));
    for (const event of result.reconciled) expect(event.index).toBeGreaterThan(before);
  });

  it('without the sweep, reports the revisions whose events were lost, and fails', async () => {
    const result = await run({ reconcile: false });

    const missed = result.summary.reconcile?.missed ?? [];
    const lost = missed.filter((m) => m.cause === 'events-lost');
    expect(lost.map((m) => m.assetRevision).sort()).toEqual(lostRevisions(result));
    expect(lost.map((m) => m.events)).toEqual(result.dropped.map((e) => [{ index: e.index, dropped: true }]));
    expect(result.summary.ok).toBe(false);
    expect(result.summary.violations).toEqual(
      lost.map(
        (m) =>
          `${m.assetRevision}: no run of BUSINESS_DESCRIPTIONS+BUSINESS_NAMES: its event(s) #${m.events[0]?.index} ` +
          'lost on the bus; --reconcile sweeps it up',
      ),
    );
    expect(result.reconciled).toEqual([]);
    expect(result.dataZone?.countsByOperation().Search ?? 0).toBe(0);
  });

  it('reports a revision no event named, without holding it against a run without the sweep', async () => {
    const result = await runScenario({
      events: [assetEvent(catalog, ORDERS)],
      loadHandler: freshWorker,
    });

    expectAccountedOnce(result);
    expect(result.summary.reconcile?.missed.find((m) => m.assetRevision === current(GENERAL_LEDGER))).toEqual(
      {
        assetRevision: current(GENERAL_LEDGER),
        groups: [['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES']],
        cause: 'no-event',
        events: [],
      },
    );
    expect(result.summary.ok).toBe(true);
  });

  it('sweeps a page again when DataZone refuses it, as the sweep queue redelivers its message', async () => {
    let searches = 0;
    const refuseTwice: DataZoneFaults = {
      hook: ({ operation }) =>
        operation === 'Search' && ++searches <= 2 ? 'AccessDeniedException' : undefined,
    };
    const result = await run({ reconcile: true, dataZoneFaults: refuseTwice });

    expectAccountedOnce(result);
    expect(result.summary.reconcile?.domains).toEqual([
      expect.not.objectContaining({ failure: expect.anything() }),
    ]);
    expect(result.summary.reconcile?.missed).toEqual([]);
    expect(searches).toBe(3);
  });

  it('does not sweep a queue that never drained, and says so', async () => {
    const result = await runScenario({
      events: oneEventEach(),
      loadHandler: freshWorker,
      reconcile: true,
      eventSource: { batchSize: 1, limits: { maxInvocations: 1 } },
    });

    expect(result.summary.reconcile).toMatchObject({ requested: true, swept: false });
    expect(result.summary.violations).toContain('no sweep: the source queue never drained');
    expect(result.dataZone?.countsByOperation().Search ?? 0).toBe(0);
  });

  it('fails the run when a sweep step fails on every delivery, naming the domain and the error', async () => {
    const refuseAll: DataZoneFaults = {
      hook: ({ operation }) => (operation === 'Search' ? 'AccessDeniedException' : undefined),
    };
    const result = await run({ reconcile: true, dataZoneFaults: refuseAll });

    expect(result.summary.reconcile?.domains).toEqual([
      expect.objectContaining({
        domainId: DOMAIN,
        failure: expect.stringMatching(/^AccessDeniedException: /),
      }),
    ]);
    expect(result.summary.ok).toBe(false);
    expect(result.summary.violations).toContainEqual(
      expect.stringMatching(new RegExp(`^the sweep of ${DOMAIN} stopped: AccessDeniedException`)),
    );
    // What the lost events left is still missed, and said so.
    expect(result.summary.reconcile?.missed.map((m) => m.assetRevision)).toEqual(
      expect.arrayContaining(lostRevisions(result)),
    );
  });
});
