/** One event from envelope to outcome (EventBatch), with a plain fake DataZone that records its sessions. */
import { describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../src/core/asset-event.js';
import { ServiceError } from '../../src/core/errors.js';
import type { GenerationGroup } from '../../src/core/generation-types.js';
import type { DataZoneBatch, RunSummary, StartRunRequest } from '../../src/core/ports.js';
import { reconciledEvent } from '../../src/core/reconciliation.js';
import { EventBatch } from '../../src/pipeline/process-event.js';
import { loadConfig } from '../../src/runtime/config.js';
import { readEvent } from '../support/lambda.js';

const DOMAIN = 'dzd_bc8e1ez8r2a6xz';
const ASSET = 'ayzstznnx4dxyf';
const PROJECT = '6oy92hwk937pgn';
const GLUE_TABLE = 'amazon.datazone.GlueTableAssetType';
/** The default GENERATION_TYPES, as one run. */
const BOTH: GenerationGroup = ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'];

const settings = (env: Record<string, string> = {}) =>
  loadConfig({ DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/dlq', ...env });

/** Asset Added To Inventory of revision 3 of a Glue table, with everything a start needs. */
const ASSET_ADDED = readEvent('eventbridge/asset-added-to-inventory.json');

function run(runId: string, types: readonly string[]): RunSummary {
  return { runId, status: 'SUCCEEDED', assetId: ASSET, revision: '3', types, createdAt: 0 };
}

/**
 * DataZone with the revision's runs `existing`; a start answers a new run, or fails with `startError`. `journal`
 * lists what happened in order: sessions opened and closed, and the calls made.
 */
function fakeDataZone(existing: RunSummary[] = [], startError?: Error) {
  const journal: string[] = [];
  const starts: StartRunRequest[] = [];
  const batch: DataZoneBatch = {
    session: () => {
      journal.push('session');
      return {
        getAsset: async () => {
          throw new Error('the events here carry everything a start needs');
        },
        getRun: async () => {
          throw new Error('no outcome events here');
        },
        listRuns: async () => {
          journal.push('listRuns');
          return existing;
        },
        startMetadataGenerationRun: async (request) => {
          journal.push('start');
          starts.push(request);
          if (startError !== undefined) throw startError;
          return { runId: 'new-run', status: 'SUBMITTED' };
        },
        close: () => journal.push('close'),
      };
    },
  };
  return { batch, journal, starts };
}

function process(batch: EventBatch, event: unknown, redelivered = false) {
  return batch.process(parseEnvelope(event), redelivered);
}

/** A sweep's event for revision 3, marked with the groups it found without a run. */
function reconciled(groups: GenerationGroup[]) {
  const missing = {
    domainId: DOMAIN,
    assetId: ASSET,
    revision: '3',
    owningProjectId: PROJECT,
    assetType: GLUE_TABLE,
    groups,
  };
  return reconciledEvent(missing, { origin: 'reconciler', sweepId: 's1', groups }, { time: new Date(0) });
}

describe('EventBatch, for a business-name generation outcome', () => {
  it('records its status and domain, without asking DataZone', async () => {
    const datazone = fakeDataZone();
    const event = {
      ...(ASSET_ADDED as Record<string, unknown>),
      'detail-type': 'Business Name Generation Failed',
    };
    expect(await process(new EventBatch(settings(), datazone.batch, Date.now), event)).toEqual({
      kind: 'name-generation-ended',
      status: 'FAILED',
      domainId: DOMAIN,
    });
    expect(datazone.journal).toEqual([]);
  });
});

describe('EventBatch, DataZone sessions', () => {
  it('closes the record’s session once its run is started', async () => {
    const datazone = fakeDataZone();
    const outcome = await process(new EventBatch(settings(), datazone.batch, Date.now), ASSET_ADDED);
    expect(outcome).toMatchObject({ kind: 'started', runId: 'new-run' });
    expect(datazone.journal).toEqual(['session', 'start', 'close']);
  });

  it('closes the session when DataZone fails the start too', async () => {
    const datazone = fakeDataZone([], new ServiceError('throttled', 'ThrottlingException', 'slow down'));
    const outcome = await process(new EventBatch(settings(), datazone.batch, Date.now), ASSET_ADDED);
    expect(outcome).toMatchObject({ kind: 'retry', cause: 'throttled' });
    expect(datazone.journal).toEqual(['session', 'start', 'close']);
  });
});

describe('EventBatch, for a revision that already has a run', () => {
  it('says which run of which types the redelivered event found', async () => {
    const datazone = fakeDataZone([run('r1', BOTH)]);
    const outcome = await process(new EventBatch(settings(), datazone.batch, Date.now), ASSET_ADDED, true);
    expect(outcome).toMatchObject({
      kind: 'already-exists',
      runId: 'r1',
      error: {
        name: 'RunAlreadyExists',
        message: 'revision 3 already has run r1 of BUSINESS_DESCRIPTIONS,BUSINESS_NAMES',
      },
    });
    expect(datazone.starts).toEqual([]);
  });
});

describe('EventBatch, for a reconciled event', () => {
  it('reads a marked group whatever the order of its types', async () => {
    const datazone = fakeDataZone();
    const outcome = await process(
      new EventBatch(settings(), datazone.batch, Date.now),
      reconciled([['BUSINESS_NAMES', 'BUSINESS_DESCRIPTIONS']]),
    );
    expect(outcome).toMatchObject({ kind: 'started', runId: 'new-run' });
    expect(datazone.starts.map((request) => request.generationTypes)).toEqual([BOTH]);
  });

  it('is skipped, naming every group the sweep marked, when none of them is configured here', async () => {
    const datazone = fakeDataZone();
    const namesOnly = new EventBatch(
      settings({ GENERATION_TYPES: 'BUSINESS_NAMES' }),
      datazone.batch,
      Date.now,
    );
    expect(await process(namesOnly, reconciled([BOTH, ['BUSINESS_GLOSSARY_ASSOCIATIONS']]))).toEqual({
      kind: 'skipped',
      reason:
        'none of the groups the sweep marked (BUSINESS_DESCRIPTIONS+BUSINESS_NAMES, BUSINESS_GLOSSARY_ASSOCIATIONS)' +
        ' is in GENERATION_TYPES',
      target: {
        domainId: DOMAIN,
        assetId: ASSET,
        owningProjectId: PROJECT,
        revision: '3',
        assetType: GLUE_TABLE,
      },
    });
    expect(datazone.journal.filter((entry) => entry !== 'session' && entry !== 'close')).toEqual([]);
  });
});
