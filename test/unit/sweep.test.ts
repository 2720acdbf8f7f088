/** The sweep, page by page, and the reconciler's steps, with plain fakes for DataZone and the queues. */
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/core/errors.js';
import { generationGroups } from '../../src/core/generation-types.js';
import type { AssetFacts, RunSummary, SweepDataZone } from '../../src/core/ports.js';
import { parseSweepMessage, reconcileStep, type SweepCursor } from '../../src/sweep/reconcile.js';
import { NO_COUNTS, sweepPage } from '../../src/sweep/sweep.js';

const DOMAIN = 'dzd_bc8e1ez8r2a6xz';
const GLUE = 'amazon.datazone.GlueTableAssetType';
const BOTH = generationGroups(['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES']);

interface FakeAsset {
  readonly facts: AssetFacts | Error;
  readonly runs: readonly RunSummary[];
  /** The type Search lists it with (undefined: Search does not say); GLUE when left out. */
  readonly listedType?: string | undefined;
}

/** A catalog served two assets a page. */
function fakeDataZone(assets: Record<string, FakeAsset>): SweepDataZone {
  const ids = Object.keys(assets);
  return {
    searchAssets: async (_domain, { nextToken }) => {
      const start = Number(nextToken ?? 0);
      const page = ids.slice(start, start + 2);
      return {
        assets: page.map((assetId) => ({
          assetId,
          typeIdentifier: listedTypeOf(assets[assetId]),
          owningProjectId: 'p1',
        })),
        nextToken: start + 2 < ids.length ? String(start + 2) : undefined,
        totalMatchCount: ids.length,
      };
    },
    getAsset: async (_domain, assetId) => {
      const facts = assets[assetId]?.facts;
      if (facts === undefined || facts instanceof Error) throw facts ?? new Error('no such asset');
      return facts;
    },
    listRuns: async (_domain, assetId) => [...(assets[assetId]?.runs ?? [])],
    getRun: async (_domain, runId) => {
      const run = Object.values(assets)
        .flatMap((asset) => asset.runs)
        .find((candidate) => candidate.runId === runId);
      if (run === undefined) throw new Error(`no run ${runId}`);
      return { ...run, domainId: DOMAIN, owningProjectId: 'p1', typeStats: [] };
    },
  };
}

const listedTypeOf = (asset: FakeAsset | undefined): string | undefined =>
  asset !== undefined && 'listedType' in asset ? asset.listedType : GLUE;

const facts = (revision: string, extra: Partial<AssetFacts> = {}): AssetFacts => ({
  revision,
  owningProjectId: 'p1',
  typeIdentifier: GLUE,
  listed: true,
  ...extra,
});
const runOf = (revision: string): RunSummary => ({
  runId: `run-${revision}`,
  status: 'SUCCEEDED',
  assetId: 'x',
  revision,
  types: ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'],
  createdAt: 0,
});

const settings = {
  domainId: DOMAIN,
  owningProjectId: undefined,
  assetTypes: new Set([GLUE]),
  publishedOnly: false,
  groups: BOTH,
  origin: 'backfill' as const,
  sweepId: 's1',
  retry: { maxRunAttempts: 3, runRetryBaseSeconds: 300 },
};

function deps(datazone: SweepDataZone, sent: string[] | undefined) {
  const warnings: string[] = [];
  return {
    deps: {
      datazone,
      queue:
        sent === undefined
          ? undefined
          : { send: async (bodies: readonly string[]) => void sent.push(...bodies) },
      clock: () => Date.parse('2026-11-30T10:00:00Z'),
      warn: (message: string) => void warnings.push(message),
    },
    warnings,
  };
}

describe('sweepPage', () => {
  const catalog = {
    covered: { facts: facts('2'), runs: [runOf('2')] },
    newRevision: { facts: facts('3'), runs: [runOf('2')] },
  };

  it('enqueues an event for each revision without a run, and only for those', async () => {
    const sent: string[] = [];
    const page = await sweepPage(undefined, settings, deps(fakeDataZone(catalog), sent).deps);
    expect(page.counts).toMatchObject({
      assetsScanned: 2,
      revisionsCovered: 1,
      revisionsMissing: 1,
      enqueued: 1,
    });
    expect(sent.map((body) => JSON.parse(body) as { detail: unknown })).toEqual([
      expect.objectContaining({
        detail: expect.objectContaining({
          data: { assetId: 'newRevision', revision: '3' },
          reconciliation: { origin: 'backfill', sweepId: 's1', groups: BOTH },
        }),
      }),
    ]);
    expect(page.nextToken).toBeUndefined();
  });

  it('sends nothing on a dry run, and says what it would send', async () => {
    const page = await sweepPage(undefined, settings, deps(fakeDataZone(catalog), undefined).deps);
    expect(page.counts.enqueued).toBe(0);
    expect(page.missing.map((missing) => missing.assetId)).toEqual(['newRevision']);
  });

  it('skips other asset types, unpublished assets when asked, and counts assets it cannot judge', async () => {
    const { deps: d, warnings } = deps(
      fakeDataZone({
        s3: { facts: facts('1'), runs: [], listedType: 'amazon.datazone.S3ObjectCollectionAssetType' },
        draft: { facts: facts('1', { listed: false }), runs: [] },
        gone: { facts: new ServiceError('permanent', 'ResourceNotFoundException', 'deleted'), runs: [] },
      }),
      [],
    );
    const first = await sweepPage(undefined, { ...settings, publishedOnly: true }, d);
    const second = await sweepPage(first.nextToken, { ...settings, publishedOnly: true }, d);
    expect(first.counts).toMatchObject({ skippedByType: 1, skippedUnpublished: 1 });
    expect(second.counts).toMatchObject({ errors: 1, revisionsMissing: 0 });
    expect(warnings).toEqual(['asset passed over by the sweep']);
  });

  /** One page of `count` assets at revision 1, each with `runs`; `order` records each GetAsset and each send. */
  function onePage(count: number, runs: readonly RunSummary[], order: string[]) {
    const ids = Array.from({ length: count }, (_, index) => `a${index}`);
    const datazone: SweepDataZone = {
      searchAssets: async () => ({
        assets: ids.map((assetId) => ({ assetId, typeIdentifier: GLUE, owningProjectId: 'p1' })),
        nextToken: undefined,
        totalMatchCount: ids.length,
      }),
      getAsset: async (_domain, assetId) => {
        order.push(assetId);
        return facts('1');
      },
      listRuns: async () => [...runs],
      getRun: async () => {
        throw new Error('unused');
      },
    };
    return {
      ...deps(datazone, []).deps,
      queue: { send: async (bodies: readonly string[]) => void order.push(`send ${bodies.length}`) },
    };
  }
  const sends = (order: readonly string[]) => order.filter((entry) => entry.startsWith('send'));

  it('sends the missing revisions ten at a time as they are found, not the whole page at the end', async () => {
    const order: string[] = [];
    const page = await sweepPage(undefined, settings, onePage(25, [], order));
    expect(sends(order)).toEqual(['send 10', 'send 10', 'send 5']);
    expect(order.indexOf('send 10')).toBe(10);
    expect(page.counts.enqueued).toBe(25);
  });

  it('sends no empty batch: ten missing revisions are one batch, a page with none missing sends nothing', async () => {
    const ten: string[] = [];
    await sweepPage(undefined, settings, onePage(10, [], ten));
    expect(sends(ten)).toEqual(['send 10']);

    const covered: string[] = [];
    const page = await sweepPage(undefined, settings, onePage(3, [runOf('1')], covered));
    expect(page.counts).toMatchObject({ revisionsCovered: 3, enqueued: 0 });
    expect(sends(covered)).toEqual([]);
  });

  describe('an asset Search lists without its type', () => {
    const S3 = 'amazon.datazone.S3ObjectCollectionAssetType';

    it('is swept when GetAsset gives a supported type', async () => {
      const sent: string[] = [];
      const untyped = fakeDataZone({ untyped: { facts: facts('1'), runs: [], listedType: undefined } });
      const page = await sweepPage(undefined, settings, deps(untyped, sent).deps);
      expect(page.counts).toEqual({ ...NO_COUNTS, assetsScanned: 1, revisionsMissing: 1, enqueued: 1 });
      expect(page.missing.map((missing) => missing.assetId)).toEqual(['untyped']);
      expect(sent).toHaveLength(1);
    });

    it('is skipped by type when GetAsset gives another type, its runs not looked up', async () => {
      const sent: string[] = [];
      const runsAskedFor: string[] = [];
      const untyped = fakeDataZone({
        untypedS3: { facts: facts('1', { typeIdentifier: S3 }), runs: [], listedType: undefined },
      });
      const datazone: SweepDataZone = {
        ...untyped,
        listRuns: async (domain, assetId) => {
          runsAskedFor.push(assetId);
          return untyped.listRuns(domain, assetId);
        },
      };
      const page = await sweepPage(undefined, settings, deps(datazone, sent).deps);
      expect(page.counts).toEqual({ ...NO_COUNTS, assetsScanned: 1, skippedByType: 1 });
      expect(runsAskedFor).toEqual([]);
      expect(sent).toEqual([]);
    });
  });

  describe('a failed run whose outcome never reached the worker', () => {
    const failedRun = (runId: string, createdAt: number, status = 'FAILED'): RunSummary => ({
      ...runOf('3'),
      runId,
      status,
      createdAt,
    });
    function catalogWith(runs: RunSummary[], errorMessage: string): SweepDataZone {
      return {
        ...fakeDataZone({ asset: { facts: facts('3'), runs } }),
        getRun: async (_domain, runId) => {
          const run = runs.find((candidate) => candidate.runId === runId);
          if (run === undefined) throw new Error(`no run ${runId}`);
          const typeStats = run.types.map((type) => ({ type, status: 'FAILED', errorMessage }));
          return { ...run, domainId: DOMAIN, owningProjectId: 'p1', typeStats };
        },
      };
    }

    it.each(['FAILED', 'PARTIALLY_SUCCEEDED'])(
      'is enqueued again as its outcome (%s), so that the retry the worker owes it is not lost',
      async (status) => {
        const sent: string[] = [];
        const page = await sweepPage(
          undefined,
          settings,
          deps(catalogWith([failedRun('r1', 0, status)], 'internal error'), sent).deps,
        );
        expect(page.counts).toMatchObject({ revisionsCovered: 1, failedRunsRequeued: 1, enqueued: 0 });
        expect(sent.map((body) => JSON.parse(body) as Record<string, unknown>)).toEqual([
          expect.objectContaining({
            'detail-type': 'Metadata Generation Failed',
            detail: expect.objectContaining({
              data: { metadataGenerationRunId: 'r1' },
              reconciliation: { origin: 'backfill', sweepId: 's1' },
            }),
          }),
        ]);
      },
    );

    it('is left alone when no attempt is owed: a hopeless failure, or the attempts used up', async () => {
      const hopeless = catalogWith([failedRun('r1', 0)], 'Asset has no structured schema');
      const usedUp = catalogWith(
        [failedRun('r1', 0), failedRun('r2', 1), failedRun('r3', 2)],
        'internal error',
      );
      for (const datazone of [hopeless, usedUp]) {
        const sent: string[] = [];
        const page = await sweepPage(undefined, settings, deps(datazone, sent).deps);
        expect(page.counts.failedRunsRequeued).toBe(0);
        expect(sent).toEqual([]);
      }
    });
  });

  it('fails the page on a failure that may pass, so that it is swept again', async () => {
    const throttled = fakeDataZone({
      a: { facts: new ServiceError('throttled', 'ThrottlingException', 'slow'), runs: [] },
    });
    await expect(sweepPage(undefined, settings, deps(throttled, []).deps)).rejects.toMatchObject({
      kind: 'throttled',
    });
  });
});

describe('reconcileStep', () => {
  const reconcile = {
    domainIds: [DOMAIN, 'dzd_other'],
    owningProjectId: undefined,
    publishedOnly: false,
    generationTypes: ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'] as const,
    supportedAssetTypes: new Set([GLUE]),
    pageSize: 2,
    retry: { maxRunAttempts: 3, runRetryBaseSeconds: 300 },
  };
  const fiveAssets = Object.fromEntries(
    ['a', 'b', 'c', 'd', 'e'].map((id) => [id, { facts: facts('1'), runs: [] }]),
  );

  function stepDeps(pagesPerInvocation: number) {
    const continued: SweepCursor[] = [];
    const done: SweepCursor[] = [];
    let pages = 0;
    const { deps: base } = deps(fakeDataZone(fiveAssets), []);
    return {
      continued,
      done,
      deps: {
        ...base,
        continueWith: async (cursor: SweepCursor) => void continued.push(cursor),
        hasTimeForAPage: () => ++pages < pagesPerInvocation,
        pageSwept: () => undefined,
        sweepDone: (cursor: SweepCursor) => void done.push(cursor),
      },
    };
  }

  it('starts one sweep per configured domain, each carried by its own message', async () => {
    const { deps: d, continued } = stepDeps(1);
    await reconcileStep({ start: true }, reconcile, d);
    expect(continued.map((cursor) => [cursor.domainId, cursor.nextToken, cursor.counts])).toEqual([
      [DOMAIN, undefined, NO_COUNTS],
      ['dzd_other', undefined, NO_COUNTS],
    ]);
  });

  it('sweeps pages while there is time, then hands the rest on with what it found so far', async () => {
    const { deps: d, continued, done } = stepDeps(2);
    await reconcileStep({ sweepId: 's', domainId: DOMAIN, counts: NO_COUNTS }, reconcile, d);
    expect(done).toEqual([]);
    expect(continued).toEqual([
      {
        sweepId: 's',
        domainId: DOMAIN,
        nextToken: '4',
        counts: expect.objectContaining({ assetsScanned: 4, revisionsMissing: 4 }),
      },
    ]);
  });

  it("carries counts it does not know (a newer version's cursor) on unchanged", async () => {
    const { deps: d, continued } = stepDeps(1);
    const fromNewerVersion = { sweepId: 's', domainId: DOMAIN, counts: { ...NO_COUNTS, assetsRenamed: 3 } };
    const message = parseSweepMessage(JSON.stringify(fromNewerVersion));
    if (message === undefined) throw new Error('the cursor should be readable');
    await reconcileStep(message, reconcile, d);
    expect(continued.map((cursor) => cursor.counts)).toEqual([
      { ...NO_COUNTS, assetsScanned: 2, revisionsMissing: 2, enqueued: 2, assetsRenamed: 3 },
    ]);
  });

  it('finishes from where the previous invocation stopped', async () => {
    const { deps: d, continued, done } = stepDeps(10);
    const resumed = {
      sweepId: 's',
      domainId: DOMAIN,
      nextToken: '4',
      counts: { ...NO_COUNTS, assetsScanned: 4, revisionsMissing: 4, enqueued: 4 },
    };
    await reconcileStep(resumed, reconcile, d);
    expect(continued).toEqual([]);
    expect(done).toEqual([
      expect.objectContaining({
        nextToken: undefined,
        counts: expect.objectContaining({ assetsScanned: 5, revisionsMissing: 5, enqueued: 5 }),
      }),
    ]);
  });
});

describe('parseSweepMessage', () => {
  const cursor: SweepCursor = {
    sweepId: `2026-11-30T03:00:00.000Z/${DOMAIN}`,
    domainId: DOMAIN,
    nextToken: 'page-2',
    counts: { ...NO_COUNTS, assetsScanned: 50, enqueued: 7 },
  };

  it("reads the schedule's start message", () => {
    expect(parseSweepMessage('{"start":true}')).toEqual({ start: true });
  });

  it('reads a cursor back as the step wrote it', () => {
    expect(parseSweepMessage(JSON.stringify(cursor))).toEqual(cursor);
  });

  it('counts from zero what a cursor does not carry, or carries as something other than counts', () => {
    const bare = { sweepId: 's', domainId: DOMAIN };
    const fromZero = { ...bare, nextToken: undefined, counts: NO_COUNTS };
    expect(parseSweepMessage(JSON.stringify(bare))).toEqual(fromZero);
    expect(parseSweepMessage(JSON.stringify({ ...bare, counts: '12' }))).toEqual(fromZero);
    expect(parseSweepMessage(JSON.stringify({ ...bare, counts: { enqueued: 4 } }))).toEqual({
      ...fromZero,
      counts: { ...NO_COUNTS, enqueued: 4 },
    });
  });

  it('counts from zero each count that is not a number, keeping the others', () => {
    const bare = { sweepId: 's', domainId: DOMAIN };
    const handWritten = { assetsScanned: '4', enqueued: 3, errors: null, revisionsMissing: true };
    expect(parseSweepMessage(JSON.stringify({ ...bare, counts: handWritten }))).toEqual({
      ...bare,
      nextToken: undefined,
      counts: { ...NO_COUNTS, enqueued: 3 },
    });
    expect(parseSweepMessage(JSON.stringify({ ...bare, counts: null }))).toEqual({
      ...bare,
      nextToken: undefined,
      counts: NO_COUNTS,
    });
    expect(parseSweepMessage(JSON.stringify({ ...bare, counts: [5, 6] }))).toEqual({
      ...bare,
      nextToken: undefined,
      counts: NO_COUNTS,
    });
  });

  it.each([
    ['not JSON', '{"sweepId":'],
    ['null', 'null'],
    ['a number', '42'],
    ['a string', '"s"'],
    ['a list', '[]'],
    ['a start that is not true', '{"start":"yes"}'],
    ['no sweep id', JSON.stringify({ domainId: DOMAIN })],
    ['no domain', JSON.stringify({ sweepId: 's' })],
    ['a sweep id that is not a string', JSON.stringify({ sweepId: 1, domainId: DOMAIN })],
    ['a token that is not a string', JSON.stringify({ sweepId: 's', domainId: DOMAIN, nextToken: 2 })],
  ])('refuses a message it cannot resume from: %s', (_what, body) => {
    expect(parseSweepMessage(body)).toBeUndefined();
  });
});
