/** Shared by the end-to-end tests: a fresh worker per scenario, events, and the invariant checked after each. */
import type { SQSRecord } from 'aws-lambda';
import { expect, vi } from 'vitest';
import type { Catalog } from '../../tools/local/datazone/catalog.js';
import type { EventStatus } from '../../tools/local/runner/accounting.js';
import { type InputEvent, loadEventFiles, loadSampleEvents } from '../../tools/local/runner/event-files.js';
import type { LambdaHandler } from '../../tools/local/runner/lambda-invocation.js';
import type { ScenarioResult } from '../../tools/local/runner/scenario.js';
import type { HandlerLoader } from '../../tools/local/runner/worker-environment.js';

/**
 * A fresh copy of src/functions/worker.ts per container (a cold start), imported after the scenario's environment is set,
 * as Lambda does. Call vi.unstubAllEnvs() after each test.
 */
export const freshWorker: HandlerLoader = async (env) => {
  vi.resetModules();
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  const module = await import('../../src/functions/worker.js');
  return module.handler as unknown as LambdaHandler;
};

export const samples = (): InputEvent[] => loadSampleEvents();

/**
 * The label the runner gives a record of the sample batch (`sqs/batch.json#n`, by position), found by the record's
 * body, so that tests name the record (test/support/fixtures.ts) instead of its position.
 */
export function sampleLabel(record: SQSRecord): string {
  const matches = samples().filter(
    (event) => event.label.startsWith('sqs/batch.json#') && event.body === record.body,
  );
  const [match] = matches;
  if (match === undefined || matches.length > 1) {
    throw new Error(
      `expected one sample batch record with the body of ${record.messageId}, found ${matches.length}`,
    );
  }
  return match.label;
}

/** One sample file's events, by its path under events/. */
export const sample = (path: string): InputEvent[] =>
  loadEventFiles([path], new URL('../../events/', import.meta.url).pathname);

/** An EventBridge asset event for a catalog asset: complete (no GetAsset needed) unless told otherwise. */
export function assetEvent(
  catalog: Catalog,
  assetId: string,
  revision?: string,
  detailType = 'Asset Added To Inventory',
  { complete = true }: { complete?: boolean } = {},
): InputEvent {
  const domain = catalog.domains.find((d) => d.assets.some((a) => a.id === assetId));
  const asset = domain?.assets.find((a) => a.id === assetId);
  if (domain === undefined || asset === undefined) throw new Error(`no asset ${assetId} in the catalog`);
  const rev = revision ?? asset.revisions.at(-1)?.revision ?? '1';
  const event = {
    version: '0',
    id: `e2e-${assetId}-${rev}`,
    'detail-type': detailType,
    source: 'aws.datazone',
    account: '111111111111',
    time: '2026-11-25T12:00:00Z',
    region: 'eu-west-1',
    resources: [`arn:aws:datazone:eu-west-1:111111111111:domain/${domain.id}`],
    detail: {
      version: '1',
      metadata: {
        domain: domain.id,
        user: '44f864b8-50a1-70cc-736f-c1f763934ab7',
        id: assetId,
        awsAccountId: '111111111111',
        // Without type and project, the worker resolves them with GetAsset.
        ...(complete
          ? { version: rev, typeName: asset.typeIdentifier, owningProjectId: asset.owningProjectId }
          : {}),
      },
      data: { assetId },
    },
  };
  return {
    label: `${assetId}@${rev}`,
    body: JSON.stringify(event),
    asset: { domainId: domain.id, assetId, revision: rev },
  };
}

export const revisionKey = (domainId: string, assetId: string, revision: string) =>
  `${domainId}/${assetId}@${revision}`;

/** Runs per asset revision at the local DataZone endpoint. */
export function runsPerRevision(result: ScenarioResult): Map<string, number> {
  const counts = new Map<string, number>();
  for (const run of result.dataZone?.runs ?? []) {
    const key = revisionKey(run.domainId, run.target.identifier, run.target.revision);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

export function statusesByLabel(result: ScenarioResult): Record<string, EventStatus> {
  return Object.fromEntries(result.outcomes.map((o) => [o.label, o.status]));
}

/**
 * The invariant of every scenario: each event sent is accounted for exactly once (started, already existing,
 * skipped with a reason, or in the DLQ with a reason) and no asset revision has more than one run. Checked from
 * the runner's accounting, then again straight from the endpoints' state and the worker's log lines.
 */
export function expectAccountedOnce(result: ScenarioResult): void {
  expect(result.summary.violations).toEqual([]);
  expect(result.eventSource.drained).toBe(true);

  const local = result.world;
  if (local === undefined) throw new Error('the invariant is checked against local endpoints');
  const ids = result.sent.map((e) => e.messageId);
  expect(ids.every((id) => id !== undefined)).toBe(true);
  expect(new Set(ids).size).toBe(ids.length);

  // Nothing left behind in the source queue.
  const left = new Set(local.sqs.peek(local.sourceQueue).map((m) => m.messageId));
  expect(ids.filter((id) => id !== undefined && left.has(id))).toEqual([]);

  const dlq = local.sqs.peek(local.deadLetterQueue);
  const logs = result.output.filter((line) => typeof line.outcome === 'string');
  for (const outcome of result.outcomes) {
    const id = outcome.messageId;
    const inDlq = dlq.filter(
      (m) => m.messageAttributes.SourceMessageId?.StringValue === id || m.messageId === id,
    );
    const finals = logs.filter(
      (l) => l.messageId === id && ['started', 'already-exists', 'skipped'].includes(String(l.outcome)),
    );
    const where = `#${outcome.index} ${outcome.label}`;
    switch (outcome.status) {
      case 'dead-lettered': {
        expect(inDlq, where).toHaveLength(1);
        expect(finals, where).toEqual([]);
        const [message] = inDlq;
        const reason =
          message?.messageAttributes.ErrorName?.StringValue ??
          (message?.deadLetterQueueSourceArn === undefined ? undefined : outcome.errorName);
        expect(reason, `${where}: a reason`).toBeTruthy();
        break;
      }
      case 'started':
      case 'already-exists':
      case 'skipped':
        expect(inDlq, where).toEqual([]);
        expect(finals.length, where).toBeGreaterThan(0);
        if (outcome.status === 'skipped') expect(outcome.reason, where).toBeTruthy();
        else expect(outcome.clientToken, where).toMatch(/^dzmg1-[A-Za-z0-9_-]{43}$/);
        break;
      case 'unaccounted':
        expect.fail(`${where} is unaccounted for: ${outcome.problems.join('; ')}`);
    }
  }
  const totals = result.summary.totals;
  expect(totals.started + totals['already-exists'] + totals.skipped + totals['dead-lettered']).toBe(
    ids.length,
  );

  // No asset revision with more than one run.
  const multiple = [...runsPerRevision(result)].filter(([, n]) => n > 1);
  expect(multiple).toEqual([]);
}

/** DataZone requests per event sent, at the local endpoint. */
export const callsPerEvent = (result: ScenarioResult): number =>
  (result.dataZone?.requests.length ?? 0) / result.sent.length;
