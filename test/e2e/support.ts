/** Shared by the end-to-end tests: a fresh worker per scenario, events, and the invariant checked after each. */
import type { SQSRecord } from 'aws-lambda';
import { expect, vi } from 'vitest';
import { clientToken } from '../../src/core/client-token.js';
import { type GenerationType, generationGroups, groupOf } from '../../src/core/generation-types.js';
import type { Catalog } from '../../tools/local/datazone/catalog.js';
import type { MetadataGenerationRun } from '../../tools/local/datazone/types.js';
import type { EventStatus } from '../../tools/local/runner/accounting.js';
import { type InputEvent, loadEventFiles, loadSampleEvents } from '../../tools/local/runner/event-files.js';
import type { LambdaHandler } from '../../tools/local/runner/lambda-invocation.js';
import type { ScenarioResult } from '../../tools/local/runner/scenario.js';
import type { HandlerLoader } from '../../tools/local/runner/worker-environment.js';
import type { LocalWorld } from '../../tools/local/runner/world.js';

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

const revisionOf = (run: MetadataGenerationRun) =>
  revisionKey(run.domainId, run.target.identifier, run.target.revision);

/** The token of a run's attempt, for its own types (a retry runs the types that failed). */
const tokenOf = (run: MetadataGenerationRun, attempt: number) =>
  clientToken({
    domainId: run.domainId,
    assetId: run.target.identifier,
    revision: run.target.revision,
    generationTypes: run.types,
    attempt,
  });

/** First runs (attempt 1) per asset revision at the local DataZone endpoint; retries are not counted. */
export function firstRunsPerRevision(result: ScenarioResult): Map<string, number> {
  const counts = new Map<string, number>();
  for (const run of result.dataZone?.runs ?? []) {
    if (run.clientToken !== tokenOf(run, 1)) continue;
    counts.set(revisionOf(run), (counts.get(revisionOf(run)) ?? 0) + 1);
  }
  return counts;
}

/** Every run at the local DataZone endpoint per asset revision and generation group, in creation order. */
export function runsPerGroup(result: ScenarioResult): Map<string, MetadataGenerationRun[]> {
  const configured = (
    result.summary.settings.workerEnv.GENERATION_TYPES ?? 'BUSINESS_DESCRIPTIONS,BUSINESS_NAMES'
  )
    .split(',')
    .map((type) => type.trim() as GenerationType);
  const groups = generationGroups(configured);
  const chains = new Map<string, MetadataGenerationRun[]>();
  for (const run of result.dataZone?.runs ?? []) {
    const key = `${revisionOf(run)} ${(groupOf(run.types, groups) ?? run.types).join('+')}`;
    chains.set(key, [...(chains.get(key) ?? []), run]);
  }
  return chains;
}

/**
 * Exactly one run per (revision, group, attempt): the n-th run of a revision's group is attempt n with that
 * attempt's own token, and it exists only because attempt n-1 failed, for the types that failed.
 */
function expectOneRunPerAttempt(result: ScenarioResult): void {
  const dataZone = result.dataZone;
  if (dataZone === undefined) throw new Error('runs are checked at a local endpoint');
  for (const [key, runs] of runsPerGroup(result)) {
    runs.forEach((run, i) => {
      expect(run.clientToken, `${key}: run ${i + 1} (${run.id}) is attempt ${i + 1}`).toBe(
        tokenOf(run, i + 1),
      );
      const previous = runs[i - 1];
      if (previous === undefined) return;
      expect(['FAILED', 'PARTIALLY_SUCCEEDED'], `${key}: why attempt ${i + 1}`).toContain(
        dataZone.statusOf(previous),
      );
      const failed = previous.end.typeStats.filter((stat) => stat.status === 'FAILED').map((s) => s.type);
      expect(run.types, `${key}: attempt ${i + 1} runs the types that failed`).toEqual(failed);
    });
  }
}

export function statusesByLabel(result: ScenarioResult): Record<string, EventStatus> {
  return Object.fromEntries(result.outcomes.map((o) => [o.label, o.status]));
}

/**
 * The invariant of every scenario: each event sent is accounted for exactly once (started, already existing,
 * skipped with a reason, a run's outcome recorded, or in the DLQ with a reason), so is each event a sweep enqueued
 * and each outcome event the local DataZone published, no run's outcome is lost, and each (revision, group,
 * attempt) has exactly one run. Checked from the runner's accounting, then again straight from the endpoints'
 * state and the worker's log lines.
 */
export function expectAccountedOnce(result: ScenarioResult): void {
  expect(result.summary.violations).toEqual([]);
  expect(result.eventSource.drained).toBe(true);

  const local = result.world;
  if (local === undefined) throw new Error('the invariant is checked against local endpoints');
  const ids = [...result.sent, ...result.reconciled].map((e) => e.messageId);
  expect(ids.every((id) => id !== undefined)).toBe(true);
  expect(new Set(ids).size).toBe(ids.length);

  // Nothing left behind in the source queue.
  const left = new Set(local.sqs.peek(local.sourceQueue).map((m) => m.messageId));
  expect(ids.filter((id) => id !== undefined && left.has(id))).toEqual([]);

  const dlq = local.sqs.peek(local.deadLetterQueue);
  const logs = result.output.filter((line) => typeof line.outcome === 'string');
  for (const outcome of [...result.outcomes, ...result.reconciledEvents]) {
    const id = outcome.messageId;
    const inDlq = dlq.filter(
      (m) => m.messageAttributes.SourceMessageId?.StringValue === id || m.messageId === id,
    );
    const finals = logs.filter(
      (l) =>
        l.messageId === id &&
        ['started', 'already-exists', 'skipped', 'run-ended'].includes(String(l.outcome)),
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
      case 'run-ended':
        expect(inDlq, where).toEqual([]);
        expect(finals.length, where).toBeGreaterThan(0);
        if (outcome.status === 'skipped') expect(outcome.reason, where).toBeTruthy();
        else if (outcome.status !== 'run-ended')
          expect(outcome.clientToken, where).toMatch(/^dzmg1-[A-Za-z0-9_-]{43}$/);
        break;
      case 'unaccounted':
        expect.fail(`${where} is unaccounted for: ${outcome.problems.join('; ')}`);
    }
  }
  const accounted = (totals: Record<EventStatus, number>) =>
    totals.started +
    totals['already-exists'] +
    totals.skipped +
    totals['run-ended'] +
    totals['dead-lettered'];
  expect(accounted(result.summary.totals)).toBe(result.sent.length);
  const reconciled = result.summary.reconcile?.reconciledEvents;
  expect(reconciled === undefined ? 0 : accounted(reconciled)).toBe(result.reconciled.length);

  expectOutcomesProcessed(result, logs, dlq);
  expectOneRunPerAttempt(result);
}

/**
 * Each outcome event the local DataZone published: its run recorded by the worker, or in the DLQ, and not both;
 * every run that ended has one such event (no outcome lost); only runs that never end are still in progress.
 */
function expectOutcomesProcessed(
  result: ScenarioResult,
  logs: readonly Record<string, unknown>[],
  dlq: ReturnType<LocalWorld['sqs']['peek']>,
): void {
  const processed = new Set<string>();
  for (const event of result.published) {
    const where = `#${event.index} ${event.label}`;
    const recorded = logs.filter((l) => l.messageId === event.messageId && l.outcome === 'run-ended');
    const inDlq = dlq.filter(
      (m) =>
        m.messageAttributes.SourceMessageId?.StringValue === event.messageId ||
        m.messageId === event.messageId,
    );
    expect(recorded.length > 0 ? 'recorded' : inDlq.length === 1 ? 'in the DLQ' : 'lost', where).not.toBe(
      'lost',
    );
    expect(recorded.length > 0 && inDlq.length > 0, `${where}: recorded and in the DLQ`).toBe(false);
    for (const line of recorded) expect(line.runId, where).toBe(event.runId);
    processed.add(event.runId ?? '');
  }
  const dataZone = result.dataZone;
  for (const run of result.runs) {
    const status = dataZone?.statusOf(run);
    if (status === 'SUBMITTED' || status === 'IN_PROGRESS')
      expect(run.end.at, `run ${run.id} never ends`).toBeUndefined();
    else expect(processed.has(run.id), `run ${run.id} (${status}): its outcome processed`).toBe(true);
  }
}

/** DataZone requests per event sent, at the local endpoint. */
export const callsPerEvent = (result: ScenarioResult): number =>
  (result.dataZone?.requests.length ?? 0) / result.sent.length;
