/**
 * End to end, a run's life after it starts: the local DataZone ends it as its catalog says and publishes its
 * outcome event to the source queue; the worker records it, starts the types that failed again (attempt 2, with
 * its own token) once the backoff has passed, dead-letters what no attempt can mend or what has used up its
 * attempts, and leaves canceled runs alone. The runner reports every run's outcome, and the ones it never saw.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clientToken } from '../../src/core/client-token.js';
import type { GenerationType } from '../../src/core/generation-types.js';
import { type Catalog, loadCatalog } from '../../tools/local/datazone/catalog.js';
import type { MetadataGenerationRun, RunOutcomeSpec } from '../../tools/local/datazone/types.js';
import type { InputEvent } from '../../tools/local/runner/event-files.js';
import { faultProfile } from '../../tools/local/runner/fault-profiles.js';
import { runScenario, type ScenarioOptions, type ScenarioResult } from '../../tools/local/runner/scenario.js';
import { startLocalWorld } from '../../tools/local/runner/world.js';
import { assetEvent, expectAccountedOnce, freshWorker, runsPerGroup, samples } from './support.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

const DOMAIN = 'dzd_bc8e1ez8r2a6xz';
const ORDERS = 'ayzstznnx4dxyf'; // no script: its runs succeed
const CAMPAIGN_CLICKS = 'e8n2v6c4x1q7jm'; // the sample catalog: fails, then succeeds
const ATTRIBUTION = 'f5h9l3s7g1d2wb'; // the sample catalog: BUSINESS_NAMES fails, then succeeds
const GENERAL_LEDGER = 'h7w1b5n9q3e6ux'; // the sample catalog: canceled
const SENSOR_READINGS = 'm6v0r4e8y2j5qd'; // the sample catalog: fails for good (a schema error)
const INVOICES = 'j3c8f2y6v0a4ks'; // no script
const BOTH: GenerationType[] = ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'];
const ALL_THREE = 'BUSINESS_NAMES,BUSINESS_DESCRIPTIONS,BUSINESS_GLOSSARY_ASSOCIATIONS';
/** LOCAL_WORKER_DEFAULTS.RUN_RETRY_BASE_SECONDS */
const RUN_RETRY_BASE_MS = 2000;

/** The sample catalog, with more assets scripted. */
function catalogWith(scripts: Record<string, RunOutcomeSpec[]>): Catalog {
  const catalog = loadCatalog();
  for (const asset of catalog.domains.flatMap((d) => d.assets)) {
    const script = scripts[asset.id];
    if (script !== undefined) asset.runOutcomes = script;
  }
  return catalog;
}

const sampleCatalog = loadCatalog();
const event = (assetId: string, revision?: string, catalog: Catalog = sampleCatalog): InputEvent =>
  assetEvent(catalog, assetId, revision);

function run(events: InputEvent[], options: Omit<ScenarioOptions, 'events'> = {}): Promise<ScenarioResult> {
  return runScenario({ events, loadHandler: freshWorker, ...options });
}

/** An asset revision's runs at the endpoint, oldest first. */
const runsOf = (result: ScenarioResult, assetId: string, revision: string) =>
  result.dataZone?.runsFor(DOMAIN, assetId, revision) ?? [];

const tokenOf = (r: MetadataGenerationRun, attempt: number, types: readonly GenerationType[] = BOTH) =>
  clientToken({
    domainId: r.domainId,
    assetId: r.target.identifier,
    revision: r.target.revision,
    generationTypes: types,
    attempt,
  });

/** The outcome event the local DataZone published for a run, and what became of it. */
function outcomeEventOf(result: ScenarioResult, runId: string) {
  const index = result.published.findIndex((published) => published.runId === runId);
  return { published: result.published[index], outcome: result.outcomeEvents[index] };
}

const revisionOf = (result: ScenarioResult, assetId: string, revision: string) =>
  result.summary.generation?.revisions.filter((r) => r.assetRevision === `${DOMAIN}/${assetId}@${revision}`);

describe('e2e: runs that end', () => {
  it('succeed: the outcome is recorded and nothing is started again', async () => {
    const result = await run([event(ORDERS, '3')]);

    expectAccountedOnce(result);
    const [only, ...more] = runsOf(result, ORDERS, '3');
    expect(more).toEqual([]);
    expect(outcomeEventOf(result, only?.id ?? '').outcome).toMatchObject({
      status: 'run-ended',
      runId: only?.id,
      runStatus: 'SUCCEEDED',
      deliveries: 1,
    });
    expect(revisionOf(result, ORDERS, '3')).toEqual([
      {
        assetRevision: `${DOMAIN}/${ORDERS}@3`,
        group: BOTH,
        finalStatus: 'SUCCEEDED',
        attempts: [expect.objectContaining({ attempt: 1, runId: only?.id, outcome: 'recorded' })],
      },
    ]);
    expect(result.summary.metrics).toMatchObject({ RunsSucceeded: 1, TypeSucceeded: 2 });
  });

  it('fail, then succeed on retry: attempt 2 with its own token, started once the backoff has passed', async () => {
    const result = await run([event(CAMPAIGN_CLICKS, '1')]);

    expectAccountedOnce(result);
    const [first, second, ...more] = runsOf(result, CAMPAIGN_CLICKS, '1');
    expect(more).toEqual([]);
    expect(first?.clientToken).toBe(tokenOf(first as MetadataGenerationRun, 1));
    expect(second?.clientToken).toBe(tokenOf(second as MetadataGenerationRun, 2));
    expect(second?.types).toEqual(BOTH);
    // The event says when the run ended to the second; the next attempt waits its base backoff from then.
    const waited = (second?.createdAt ?? 0) - (first?.end.at ?? 0);
    expect(waited).toBeGreaterThan(RUN_RETRY_BASE_MS - 1000);
    expect(waited).toBeLessThan(RUN_RETRY_BASE_MS + 2000);
    // The first outcome waited out the backoff in the queue, then started attempt 2.
    expect(outcomeEventOf(result, first?.id ?? '').outcome).toMatchObject({
      status: 'run-ended',
      runStatus: 'FAILED',
      nextRun: { runId: second?.id, attempt: 2 },
      deliveries: 2,
    });
    expect(outcomeEventOf(result, second?.id ?? '').outcome).toMatchObject({ runStatus: 'SUCCEEDED' });
    expect(revisionOf(result, CAMPAIGN_CLICKS, '1')?.[0]?.finalStatus).toBe('SUCCEEDED');
    expect(result.summary.metrics).toMatchObject({ RunsFailed: 1, RunsRetried: 1, RunsSucceeded: 1 });
  });

  it('fail for good: the outcome event goes to the DLQ unchanged with the reason; no second run', async () => {
    const result = await run([event(SENSOR_READINGS, '2')]);

    expectAccountedOnce(result);
    const [only, ...more] = result.dataZone?.runsFor('dzd_7ttq4pj2fcnl0m', SENSOR_READINGS) ?? [];
    expect(more).toEqual([]);
    const { published, outcome } = outcomeEventOf(result, only?.id ?? '');
    expect(outcome).toMatchObject({ status: 'dead-lettered', deadLetteredBy: 'worker', deliveries: 1 });
    const [dead] = result.world?.sqs.peek(result.world.deadLetterQueue) ?? [];
    expect(dead?.body).toBe(published?.body);
    expect(dead?.messageAttributes.ErrorName?.StringValue).toBe('MetadataGenerationFailed');
    expect(dead?.messageAttributes.ErrorMessage?.StringValue).toMatch(
      /^failed in a way no new attempt can mend: BUSINESS_DESCRIPTIONS: .*schema/,
    );
    expect(result.summary.metrics).toMatchObject({ RunsFailed: 1, RunsGivenUp: 1, DeadLettered: 1 });
  });

  it('fail every time: each attempt its own run, then the DLQ once the attempts are used up', async () => {
    const catalog = catalogWith({ [INVOICES]: ['FAILED'] });
    const result = await run([event(INVOICES, '1', catalog)], { world: { catalog } });

    expectAccountedOnce(result);
    const runs = result.dataZone?.runsFor('dzd_bc8e1ez8r2a6xz', INVOICES) ?? [];
    expect(runs.map((r, i) => r.clientToken === tokenOf(r, i + 1))).toEqual([true, true, true]);
    // Backoffs of 2 s, then 4 s, from the end of the attempt that failed.
    const waits = runs.slice(1).map((r, i) => r.createdAt - (runs[i]?.end.at ?? 0));
    expect(waits[0]).toBeGreaterThan(1000);
    expect(waits[1]).toBeGreaterThan(3000);
    const last = outcomeEventOf(result, runs[2]?.id ?? '').outcome;
    expect(last).toMatchObject({ status: 'dead-lettered', errorName: 'MetadataGenerationFailed' });
    expect(last?.errorMessage).toMatch(/^attempt 3 of 3 failed: BUSINESS_DESCRIPTIONS: Internal error/);
  });

  it('partially succeed: only the type that failed runs again', async () => {
    const result = await run([event(ATTRIBUTION, '2')]);

    expectAccountedOnce(result);
    const [first, retry, ...more] = runsOf(result, ATTRIBUTION, '2');
    expect(more).toEqual([]);
    expect(result.dataZone?.statusOf(first as MetadataGenerationRun)).toBe('PARTIALLY_SUCCEEDED');
    expect(retry?.types).toEqual(['BUSINESS_NAMES']);
    expect(retry?.clientToken).toBe(tokenOf(retry as MetadataGenerationRun, 2, ['BUSINESS_NAMES']));
    expect(revisionOf(result, ATTRIBUTION, '2')?.[0]).toMatchObject({
      group: BOTH,
      finalStatus: 'SUCCEEDED',
      attempts: [
        { attempt: 1, status: 'PARTIALLY_SUCCEEDED', detail: `attempt 2: run ${retry?.id}` },
        { attempt: 2, types: ['BUSINESS_NAMES'], status: 'SUCCEEDED' },
      ],
    });
  });

  it('canceled: recorded, not started again', async () => {
    const result = await run([event(GENERAL_LEDGER, '4')]);

    expectAccountedOnce(result);
    const [only, ...more] = runsOf(result, GENERAL_LEDGER, '4');
    expect(more).toEqual([]);
    expect(outcomeEventOf(result, only?.id ?? '').outcome).toMatchObject({
      status: 'run-ended',
      runStatus: 'CANCELED',
      reason: 'status CANCELED',
    });
    expect(result.summary.metrics).toMatchObject({ RunsCanceled: 1 });
    expect(result.summary.metrics.RunsRetried).toBeUndefined();
  });

  it('end ten minutes after they start: the runner waits for them on the virtual clock, not in real time', async () => {
    const catalog = catalogWith({ [ORDERS]: [{ status: 'SUCCEEDED', afterMs: 600_000 }] });
    const result = await run([event(ORDERS, '3', catalog)], { world: { catalog } });

    expectAccountedOnce(result);
    expect(result.summary.generation?.byStatus).toEqual({ SUCCEEDED: 1 });
    expect(result.eventSource.virtualSkippedMs).toBeGreaterThan(590_000);
    expect(result.eventSource.realMs).toBeLessThan(20_000);
  });
});

describe('e2e: all three kinds of metadata', () => {
  const NAMES = 'BUSINESS_DESCRIPTIONS+BUSINESS_NAMES';
  const GLOSSARY = 'BUSINESS_GLOSSARY_ASSOCIATIONS';
  /** Each revision's runs by group, as their types. */
  const groupsOf = (result: ScenarioResult) =>
    Object.fromEntries(
      [...runsPerGroup(result)].map(([key, runs]) => [key, runs.map((r) => r.types.join('+'))]),
    );

  it('two runs per revision, one per group, even when DataZone takes one run of a revision at a time', async () => {
    const result = await run([event(ORDERS, '3'), event(INVOICES, '1')], {
      workerEnv: { GENERATION_TYPES: ALL_THREE },
    });

    expectAccountedOnce(result);
    expect(groupsOf(result)).toEqual({
      [`${DOMAIN}/${ORDERS}@3 ${NAMES}`]: [NAMES],
      [`${DOMAIN}/${ORDERS}@3 ${GLOSSARY}`]: [GLOSSARY],
      [`${DOMAIN}/${INVOICES}@1 ${NAMES}`]: [NAMES],
      [`${DOMAIN}/${INVOICES}@1 ${GLOSSARY}`]: [GLOSSARY],
    });
    // The second group's start met the first group's run (a 409) and waited for it.
    expect(result.dataZone?.summary().byError.ConflictException).toBeGreaterThan(0);
    expect(result.summary.generation?.byStatus).toEqual({ SUCCEEDED: 4 });
  });

  it('each group failed and retried on attempts of its own', async () => {
    const result = await run([event(CAMPAIGN_CLICKS, '1')], {
      workerEnv: { GENERATION_TYPES: ALL_THREE },
      world: { conflictScope: 'types' },
    });

    expectAccountedOnce(result);
    expect(groupsOf(result)).toEqual({
      [`${DOMAIN}/${CAMPAIGN_CLICKS}@1 ${NAMES}`]: [NAMES, NAMES],
      [`${DOMAIN}/${CAMPAIGN_CLICKS}@1 ${GLOSSARY}`]: [GLOSSARY, GLOSSARY],
    });
    expect(result.summary.generation?.revisions.map((r) => r.finalStatus)).toEqual([
      'SUCCEEDED',
      'SUCCEEDED',
    ]);
  });
});

describe('e2e: outcome events delivered more than once', () => {
  it('duplicated by the bus and redelivered after lost deletes: never a second run of an attempt', async () => {
    const catalog = catalogWith({ [ORDERS]: ['FAILED', 'FAILED', 'SUCCEEDED'], [INVOICES]: ['FAILED'] });
    const world = await startLocalWorld({
      seed: 4,
      catalog,
      dataZoneFaults: { outcomeEventDuplicateRate: 1 },
    });
    try {
      // The first deletes are lost: those records come back after their visibility timeout.
      world.sqs.setFaults([
        { queue: world.sourceQueue, operations: ['DeleteMessageBatch'], error: 'InternalError', times: 8 },
      ]);
      const events = [ORDERS, CAMPAIGN_CLICKS, ATTRIBUTION, INVOICES, SENSOR_READINGS].map((id) =>
        assetEvent(catalog, id),
      );
      const result = await run(events, { endpoints: world, eventSource: { concurrency: 3, batchSize: 2 } });

      expectAccountedOnce(result);
      expect(result.eventSource.deleteFailures).toBeGreaterThan(0);
      expect(result.published.length).toBe(2 * world.dataZone.runs.length);
      // ORDERS: 3 attempts, INVOICES: 3, CAMPAIGN_CLICKS: 2, ATTRIBUTION: 2, SENSOR_READINGS: 1.
      expect(world.dataZone.runs).toHaveLength(11);
    } finally {
      await world.close();
    }
  });
});

describe('e2e: the chaos profile of npm start', () => {
  // Seed 1 is test/local/npm-start.test.ts's, through the command itself.
  it.each([7])(
    'seed %i, as npm start -- --faults chaos runs: every started run ends with its outcome processed',
    async (seed) => {
      const chaos = faultProfile('chaos');
      const result = await run(samples(), {
        world: {
          seed,
          dataZoneFaults: chaos.dataZone,
          ...(chaos.lifecycle ? { lifecycle: chaos.lifecycle } : {}),
        },
        workerEnv: chaos.workerEnv,
      });

      expectAccountedOnce(result);
      const generation = result.summary.generation;
      expect(generation?.lost).toEqual([]);
      expect(generation?.inProgress).toEqual([]);
      expect(generation?.outcomeEvents.totals.unaccounted).toBe(0);
      // Each outcome event is shown against the asset its run is about, whatever failed on the way.
      const assetOf = new Map(result.dataZone?.runs.map((r) => [r.id, r.target.identifier]));
      for (const outcome of result.outcomeEvents.filter((o) => o.status === 'run-ended')) {
        expect(outcome.target?.assetId, outcome.label).toBe(assetOf.get(outcome.runId ?? ''));
      }
      // The catalog's scripts end runs every way but canceled; the draw may add that.
      expect(Object.keys(generation?.byStatus ?? {})).toEqual(
        expect.arrayContaining(['FAILED', 'PARTIALLY_SUCCEEDED', 'SUCCEEDED']),
      );
    },
    120_000,
  );
});

describe('e2e: a retry that meets a run of another revision', () => {
  /**
   * A retry's start that meets a 409 because another run of the asset is in progress must not take the failed
   * earlier attempt of the same revision and group for this attempt's run (src/pipeline/start-run.ts,
   * confirmConflict): it waits, asset-busy, and starts once the other run has ended. The timings make a clash
   * certain: each revision's first run fails after 1 s, the retries come 3 s later, and whichever revision retries
   * first holds the asset for 10 s.
   */
  it('still gets a run of its own once the other run has ended', async () => {
    const catalog = catalogWith({
      [ORDERS]: [
        { status: 'FAILED', afterMs: 1000 },
        { status: 'SUCCEEDED', afterMs: 10_000 },
      ],
    });
    const result = await run([event(ORDERS, '1', catalog), event(ORDERS, '2', catalog)], {
      world: { catalog, conflictScope: 'asset' },
      workerEnv: {
        // Long enough, within the receives the queue allows, to wait out the other revision's 10 s run.
        QUOTA_BACKOFF_BASE_SECONDS: '4',
        QUOTA_BACKOFF_MAX_SECONDS: '8',
        RUN_RETRY_BASE_SECONDS: '3',
      },
    });

    expectAccountedOnce(result);
    expect(runsOf(result, ORDERS, '1')).toHaveLength(2);
    expect(runsOf(result, ORDERS, '2')).toHaveLength(2);
  });
});

describe('e2e: outcomes the runner never sees', () => {
  it('are reported lost: the run ended, no outcome event reached the worker', async () => {
    const result = await run([event(ORDERS, '3')], {
      world: { dataZoneFaults: { outcomeEventLossRate: 1 } },
    });

    const [only] = runsOf(result, ORDERS, '3');
    expect(result.summary.ok).toBe(false);
    expect(result.summary.generation?.lost).toEqual([
      { runId: only?.id, assetRevision: `${DOMAIN}/${ORDERS}@3`, types: BOTH, status: 'SUCCEEDED' },
    ]);
    expect(result.summary.violations).toEqual([expect.stringMatching(/its outcome was lost$/)]);
    expect(result.eventSource.drained).toBe(true);
  });

  it('are reported still in progress when the run ends after the outcome wait', async () => {
    const catalog = catalogWith({ [ORDERS]: [{ status: 'SUCCEEDED', afterMs: 2 * 3600_000 }] });
    const result = await run([event(ORDERS, '3', catalog)], { world: { catalog }, outcomeTimeoutMs: 60_000 });

    expect(result.summary.ok).toBe(false);
    expect(result.summary.generation?.inProgress.map((r) => r.runId)).toEqual(
      runsOf(result, ORDERS, '3').map((r) => r.id),
    );
    expect(result.summary.violations).toEqual([expect.stringMatching(/its outcome never came$/)]);
    expect(result.eventSource.virtualSkippedMs).toBeLessThan(60_000);
  });

  it('are not waited for when runs never end by themselves: in progress, and no fault of the worker', async () => {
    const result = await run([event(ORDERS, '3')], { world: { lifecycle: { completeAfterMs: 'never' } } });

    expectAccountedOnce(result);
    expect(result.summary.generation?.inProgress).toHaveLength(1);
    expect(result.published).toEqual([]);
  });
});
