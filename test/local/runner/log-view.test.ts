/** How `npm start` shows the worker's log lines: compact lines (coloured on a terminal, cut to its width) or raw. */
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { viewWorkerLine, workerLogEcho } from '../../../tools/local/runner/log-view.js';
import type { Display } from '../../../tools/local/runner/terminal.js';

const ESC = '\x1b';
const PIPED: Display = { colour: false, width: undefined };
const COLOUR: Display = { colour: true, width: undefined };
const compact = (display: Display) => ({ ...display, raw: false });

/** What Powertools adds to every line: none of it is shown in a compact line. */
const POWERTOOLS = {
  service: 'datazone-metagen-worker',
  cold_start: true,
  function_arn: 'arn:aws:lambda:eu-west-1:000000000000:function:datazone-metagen-worker-local-worker',
  function_memory_size: '512',
  function_name: 'datazone-metagen-worker-local-worker',
  function_request_id: 'c383c722-4840-4a75-944a-04251f07c655',
  sampling_rate: 0,
};
const RECORD = {
  messageId: 'a4a89f45-fd31-45dc-af45-aad57c823350',
  receiveCount: 1,
  detailType: 'Asset Added To Inventory',
};
const ASSET = {
  domainId: 'dzd_bc8e1ez8r2a6xz',
  assetId: 'ayzstznnx4dxyf',
  revision: '3',
  assetType: 'amazon.datazone.GlueTableAssetType',
  clientToken: 'dzmg1-HYSCy1UUSafLZqP8ivBiYqAC-Sd3lIBJSP6J0DA7iyY',
};

const logLine = (level: string, message: string, fields: Record<string, unknown>): string =>
  JSON.stringify({ level, message, timestamp: '2026-11-30T12:00:01.234Z', ...POWERTOOLS, ...fields });

const STARTED = logLine('INFO', 'metadata generation run started', {
  outcome: 'started',
  ...RECORD,
  ...ASSET,
  runId: 'd1lpjl4dbs33nk',
  runStatus: 'SUBMITTED',
});
const ALREADY_EXISTS = logLine('INFO', 'metadata generation run already exists', {
  outcome: 'already-exists',
  ...RECORD,
  ...ASSET,
  errorName: 'DuplicateInBatch',
  errorMessage: 'run gmzbajuod455sb was started for an identical event of this batch',
});
const SKIPPED_WITHOUT_ASSET = logLine('INFO', 'event skipped', {
  outcome: 'skipped',
  ...RECORD,
  detailType: 'Glue Data Catalog Table State Change',
  reason: 'source "aws.glue" is not aws.datazone',
});
const RETRY = logLine('WARN', 'record handed back for a later attempt', {
  outcome: 'retry',
  ...RECORD,
  visibilityTimeoutSeconds: 2,
  ...ASSET,
  retryCause: 'quota',
  errorName: 'ServiceQuotaExceededException',
  errorMessage: 'Cannot start another metadata generation run: 2 runs are already in progress (quota).',
});
const DEAD_LETTER = logLine('ERROR', 'record sent to the dead-letter queue', {
  outcome: 'dead-letter',
  ...RECORD,
  errorName: 'InvalidEventError',
  errorMessage: 'not an EventBridge event: body is not valid JSON',
});
const DEAD_LETTER_OF_RUN = logLine('ERROR', 'record sent to the dead-letter queue', {
  outcome: 'dead-letter',
  ...RECORD,
  ...ASSET,
  errorName: 'MetadataGenerationFailed',
  errorMessage: 'failed in a way no new attempt can mend',
  runId: 'mbo56wq1p800rd',
  runStatus: 'FAILED',
});
const RUN_SUCCEEDED = logLine('INFO', 'metadata generation run ended', {
  outcome: 'run-ended',
  ...RECORD,
  ...ASSET,
  runId: 'gmzbajuod455sb',
  runStatus: 'SUCCEEDED',
  generationTypes: ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'],
  durationSeconds: 0,
  why: 'status SUCCEEDED',
});
const RUN_RETRIED = logLine('INFO', 'metadata generation run ended', {
  outcome: 'run-ended',
  ...RECORD,
  ...ASSET,
  runId: 'd1lpjl4dbs33nk',
  runStatus: 'FAILED',
  nextRun: { runId: 'rflvne5oapwg6q', attempt: 2 },
});
const RUN_GIVEN_UP = logLine('INFO', 'metadata generation run ended', {
  outcome: 'run-ended',
  ...RECORD,
  ...ASSET,
  runId: 'd1lpjl4dbs33nk',
  runStatus: 'CANCELED',
  why: 'canceled: not retried',
});
const OUTCOME_UNREADABLE = logLine('WARN', 'run outcome event could not be read', {
  outcome: 'outcome-unreadable',
  ...RECORD,
  reason: 'detail.data.metadataGenerationRunId is missing',
});
const NAME_GENERATION_ENDED = logLine('INFO', 'business name generation ended', {
  outcome: 'name-generation-ended',
  ...RECORD,
  runStatus: 'SUCCEEDED',
  domainId: 'dzd_bc8e1ez8r2a6xz',
});
const VISIBILITY_CHANGE_FAILED = logLine('ERROR', 'visibility change failed', {
  ...RECORD,
  errorName: 'ReceiptHandleIsInvalid',
  errorMessage: 'The receipt handle has expired.',
});
const EMF = JSON.stringify({
  _aws: { Timestamp: 1796013260257, CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [], Metrics: [] }] },
  RunsStarted: 1,
});

describe('viewWorkerLine, compact', () => {
  it.each([
    ['started', STARTED, '12:00:01.234 started        ayzstznnx4dxyf@3 run d1lpjl4dbs33nk'],
    [
      'already-exists',
      ALREADY_EXISTS,
      '12:00:01.234 already-exists ayzstznnx4dxyf@3 DuplicateInBatch: run gmzbajuod455sb was started for an identical event of this batch',
    ],
    [
      'skipped, of an event that is no asset’s',
      SKIPPED_WITHOUT_ASSET,
      '12:00:01.234 skipped        -                source "aws.glue" is not aws.datazone',
    ],
    [
      'retry',
      RETRY,
      '12:00:01.234 retry          ayzstznnx4dxyf@3 quota, back in 2 s  ServiceQuotaExceededException: Cannot start another metadata generation run: 2 runs are already in progress (quota).',
    ],
    [
      'dead-letter',
      DEAD_LETTER,
      '12:00:01.234 dead-letter    -                InvalidEventError: not an EventBridge event: body is not valid JSON',
    ],
    [
      'dead-letter of a run given up',
      DEAD_LETTER_OF_RUN,
      '12:00:01.234 dead-letter    ayzstznnx4dxyf@3 run mbo56wq1p800rd FAILED  MetadataGenerationFailed: failed in a way no new attempt can mend',
    ],
    [
      'run-ended, its reason only its status',
      RUN_SUCCEEDED,
      '12:00:01.234 run-ended      ayzstznnx4dxyf@3 run gmzbajuod455sb SUCCEEDED',
    ],
    [
      'run-ended with a next attempt',
      RUN_RETRIED,
      '12:00:01.234 run-ended      ayzstznnx4dxyf@3 run d1lpjl4dbs33nk FAILED → attempt 2: run rflvne5oapwg6q',
    ],
    [
      'run-ended, not retried',
      RUN_GIVEN_UP,
      '12:00:01.234 run-ended      ayzstznnx4dxyf@3 run d1lpjl4dbs33nk CANCELED → canceled: not retried',
    ],
    [
      'outcome-unreadable',
      OUTCOME_UNREADABLE,
      '12:00:01.234 outcome-unreadable -                detail.data.metadataGenerationRunId is missing',
    ],
    [
      'name-generation-ended',
      NAME_GENERATION_ENDED,
      '12:00:01.234 name-generation-ended dzd_bc8e1ez8r2a6xz SUCCEEDED',
    ],
  ])('shows %s as time, outcome, asset and what happened', (_name, line, shown) => {
    expect(viewWorkerLine(line, compact(PIPED))).toBe(shown);
  });

  it('shows a line without an outcome by its level, message and own fields', () => {
    expect(viewWorkerLine(VISIBILITY_CHANGE_FAILED, compact(PIPED))).toBe(
      '12:00:01.234 ERROR          -                visibility change failed  ' +
        'messageId=a4a89f45-fd31-45dc-af45-aad57c823350  receiveCount=1  detailType=Asset Added To Inventory  ' +
        'errorName=ReceiptHandleIsInvalid  errorMessage=The receipt handle has expired.',
    );
  });

  it('hides EMF metric documents (the summary totals the metrics)', () => {
    expect(viewWorkerLine(EMF, compact(PIPED))).toBeUndefined();
  });

  it('shows a line that is not JSON as it is', () => {
    expect(viewWorkerLine('(node:4242) Warning: something deprecated', compact(PIPED))).toBe(
      '(node:4242) Warning: something deprecated',
    );
  });

  it('shows control characters from an event as escapes', () => {
    const hostile = logLine('INFO', 'event skipped', {
      outcome: 'skipped',
      reason: `detail-type "${ESC}[2J\nfake" is not handled`,
    });
    expect(viewWorkerLine(hostile, compact(PIPED))).toBe(
      '12:00:01.234 skipped        -                detail-type "\\u001b[2J fake" is not handled',
    );
  });

  it('colours the outcome (the whole line when nothing happened) and dims the time', () => {
    expect(viewWorkerLine(STARTED, compact(COLOUR))).toBe(
      `${ESC}[2m12:00:01.234${ESC}[0m ${ESC}[32mstarted${ESC}[0m        ayzstznnx4dxyf@3 run d1lpjl4dbs33nk`,
    );
    expect(viewWorkerLine(SKIPPED_WITHOUT_ASSET, compact(COLOUR))).toBe(
      `${ESC}[2m12:00:01.234${ESC}[0m ${ESC}[2mskipped${ESC}[0m        ` +
        `${ESC}[2m-                ${ESC}[0m${ESC}[2msource "aws.glue" is not aws.datazone${ESC}[0m`,
    );
  });

  it.each([
    ['started', '32', STARTED],
    ['already-exists', '2', ALREADY_EXISTS],
    ['skipped', '2', SKIPPED_WITHOUT_ASSET],
    ['retry', '33', RETRY],
    ['dead-letter', '31', DEAD_LETTER],
    ['run-ended', '36', RUN_SUCCEEDED],
    ['outcome-unreadable', '33', OUTCOME_UNREADABLE],
    ['name-generation-ended', '36', NAME_GENERATION_ENDED],
    ['ERROR', '31', VISIBILITY_CHANGE_FAILED],
  ])('colours %s with SGR %s', (label, code, line) => {
    expect(viewWorkerLine(line, compact(COLOUR))).toContain(`${ESC}[${code}m${label}${ESC}[0m`);
  });

  it('has no escape codes at all when colour is off', () => {
    for (const line of [STARTED, SKIPPED_WITHOUT_ASSET, RETRY, DEAD_LETTER, VISIBILITY_CHANGE_FAILED]) {
      expect(viewWorkerLine(line, compact(PIPED))).not.toContain(ESC);
    }
  });

  it('cuts a line to the terminal’s width, the last character an ellipsis', () => {
    const retry = viewWorkerLine(RETRY, compact({ colour: false, width: 80 }));
    expect(retry).toBe('12:00:01.234 retry          ayzstznnx4dxyf@3 quota, back in 2 s  ServiceQuotaEx…');
    expect(retry).toHaveLength(80);
    expect(viewWorkerLine(STARTED, compact({ colour: false, width: 80 }))).toBe(
      '12:00:01.234 started        ayzstznnx4dxyf@3 run d1lpjl4dbs33nk',
    );
  });

  it('cuts what shows, not the colour codes, when coloured', () => {
    const shown = viewWorkerLine(DEAD_LETTER, compact({ colour: true, width: 50 })) ?? '';
    expect(stripVTControlCharacters(shown)).toBe('12:00:01.234 dead-letter    -                Inva…');
  });
});

describe('viewWorkerLine, raw', () => {
  it('prints every line as the worker wrote it, EMF documents included, whatever the width', () => {
    const raw = { colour: true, width: 80, raw: true };
    for (const line of [STARTED, RETRY, EMF, 'not JSON']) expect(viewWorkerLine(line, raw)).toBe(line);
  });
});

describe('workerLogEcho', () => {
  const TERMINAL: Display = { colour: true, width: 60 };

  function echoed(options: { raw: boolean; toStderr: boolean }) {
    const written: [string, string][] = [];
    const echo = workerLogEcho({
      ...options,
      displays: { stdout: PIPED, stderr: TERMINAL },
      write: (stream, text) => written.push([stream, text]),
    });
    echo(STARTED, 'stdout');
    echo(EMF, 'stdout');
    echo(RETRY, 'stderr');
    return written;
  }

  it('prints each line on the stream the worker wrote it to, fitted to that stream', () => {
    expect(echoed({ raw: false, toStderr: false })).toEqual([
      ['stdout', '12:00:01.234 started        ayzstznnx4dxyf@3 run d1lpjl4dbs33nk\n'],
      ['stderr', `${viewWorkerLine(RETRY, compact(TERMINAL))}\n`],
    ]);
  });

  it('prints every line on stderr for --json, keeping stdout for the summary', () => {
    const written = echoed({ raw: false, toStderr: true });
    expect(written.map(([stream]) => stream)).toEqual(['stderr', 'stderr']);
    expect(written[0]?.[1]).toBe(`${viewWorkerLine(STARTED, compact(TERMINAL))}\n`);
  });

  it('prints the JSON as written with --raw-logs', () => {
    expect(echoed({ raw: true, toStderr: false })).toEqual([
      ['stdout', `${STARTED}\n`],
      ['stdout', `${EMF}\n`],
      ['stderr', `${RETRY}\n`],
    ]);
  });
});
