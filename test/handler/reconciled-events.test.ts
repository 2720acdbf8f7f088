/**
 * Exactly one run per (revision, group), whatever a client token's lifetime: a redelivered or reconciled event is
 * checked against the revision's runs before anything starts, and a reconciled event starts only the groups its
 * sweep found missing.
 */
import {
  DataZoneClient,
  ListMetadataGenerationRunsCommand,
  StartMetadataGenerationRunCommand,
} from '@aws-sdk/client-datazone';
import { ChangeMessageVisibilityBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reconciledEvent } from '../../src/core/reconciliation.js';
import { batchOf, GLUE_TABLE_EVENT, withReceiveCount } from '../support/fixtures.js';
import { buildHandler, lowestJitter } from '../support/handler.js';
import { captureStdout, lambdaContext } from '../support/lambda.js';

const datazone = mockClient(DataZoneClient);
const sqs = mockClient(SQSClient);
const DOMAIN = 'dzd_bc8e1ez8r2a6xz';
const ASSET = 'ayzstznnx4dxyf';
const ALL_THREE = 'BUSINESS_NAMES,BUSINESS_DESCRIPTIONS,BUSINESS_GLOSSARY_ASSOCIATIONS';

const startedTypes = () =>
  datazone.commandCalls(StartMetadataGenerationRunCommand).map((call) => call.args[0].input.types);

function existingRun(revision: string, types: string[]) {
  return {
    id: `run-${revision}-${types.length}`,
    domainId: DOMAIN,
    owningProjectId: '6oy92hwk937pgn',
    target: { type: 'ASSET' as const, identifier: ASSET, revision },
    types: types as never,
    createdAt: new Date(0),
  };
}

let stdout: ReturnType<typeof captureStdout>;

beforeEach(() => {
  datazone.reset();
  sqs.reset();
  datazone.on(StartMetadataGenerationRunCommand).resolves({ id: 'new-run', status: 'SUBMITTED' });
  datazone.on(ListMetadataGenerationRunsCommand).resolves({ items: [] });
  sqs.on(SendMessageCommand).resolves({});
  sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
  stdout = captureStdout();
});

afterEach(() => stdout.restore());

describe('a redelivered event', () => {
  it('starts no second run when the revision already has one, even if its token no longer says so', async () => {
    const handler = buildHandler({ random: lowestJitter });
    datazone
      .on(ListMetadataGenerationRunsCommand)
      .resolves({ items: [existingRun('3', ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'])] });
    const redelivered = withReceiveCount(GLUE_TABLE_EVENT, 2);
    expect(await handler(batchOf(redelivered), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(startedTypes()).toEqual([]);
    expect(stdout.logs().find((line) => line.outcome === 'already-exists')).toMatchObject({
      runId: 'run-3-2',
      errorName: 'RunAlreadyExists',
    });
  });

  it('is not checked on its first delivery: the token protects it, and the check would cost a call', async () => {
    const handler = buildHandler({ random: lowestJitter });
    await handler(batchOf(GLUE_TABLE_EVENT), lambdaContext());
    expect(datazone.commandCalls(ListMetadataGenerationRunsCommand)).toEqual([]);
    expect(startedTypes()).toHaveLength(1);
  });

  it('starts only the groups without a run', async () => {
    const handler = buildHandler({ random: lowestJitter, env: { GENERATION_TYPES: ALL_THREE } });
    datazone.on(ListMetadataGenerationRunsCommand).resolves({
      items: [
        existingRun('3', ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES']),
        existingRun('2', ['BUSINESS_GLOSSARY_ASSOCIATIONS']),
      ],
    });
    await handler(batchOf(withReceiveCount(GLUE_TABLE_EVENT, 3)), lambdaContext());
    expect(startedTypes()).toEqual([['BUSINESS_GLOSSARY_ASSOCIATIONS']]);
  });
});

describe('a reconciled event', () => {
  const missing = {
    domainId: DOMAIN,
    assetId: ASSET,
    revision: '3',
    owningProjectId: '6oy92hwk937pgn',
    assetType: 'amazon.datazone.GlueTableAssetType',
  };
  const record = (groups: string[][]) => ({
    ...GLUE_TABLE_EVENT,
    messageId: 'reconciled',
    body: JSON.stringify(
      reconciledEvent(
        { ...missing, groups: groups as never },
        { origin: 'reconciler', sweepId: 's1', groups: groups as never },
        { time: new Date() },
      ),
    ),
  });

  it('starts the groups its sweep found missing, and only those', async () => {
    const handler = buildHandler({ random: lowestJitter, env: { GENERATION_TYPES: ALL_THREE } });
    expect(await handler(batchOf(record([['BUSINESS_GLOSSARY_ASSOCIATIONS']])), lambdaContext())).toEqual({
      batchItemFailures: [],
    });
    expect(startedTypes()).toEqual([['BUSINESS_GLOSSARY_ASSOCIATIONS']]);
    expect(datazone.commandCalls(ListMetadataGenerationRunsCommand)).toHaveLength(1);
  });

  it('starts nothing when another sweep’s event got there first', async () => {
    const handler = buildHandler({ random: lowestJitter });
    datazone
      .on(ListMetadataGenerationRunsCommand)
      .resolves({ items: [existingRun('3', ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'])] });
    await handler(batchOf(record([['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES']])), lambdaContext());
    expect(startedTypes()).toEqual([]);
    expect(stdout.metrics()).toMatchObject({ RunsAlreadyExisting: 1 });
  });

  it('is skipped with the reason when none of its groups is configured here, without any call', async () => {
    const handler = buildHandler({ random: lowestJitter });
    expect(await handler(batchOf(record([['BUSINESS_GLOSSARY_ASSOCIATIONS']])), lambdaContext())).toEqual({
      batchItemFailures: [],
    });
    expect(datazone.calls()).toEqual([]);
    expect(stdout.logs().find((line) => line.outcome === 'skipped')?.reason).toMatch(
      /none of the groups the sweep marked \(BUSINESS_GLOSSARY_ASSOCIATIONS\) is in GENERATION_TYPES/,
    );
  });
});
