// redrive and delete on the local SQS when things go wrong: a send or a delete failing part way, a send SQS
// refuses for one entry, an interruption, no source queue. Whatever happens, every event is in the source queue
// or in the DLQ (at most in both), and what stays in the DLQ is visible again.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { assetEvent, DLQ, OTHER_DOMAIN, SOURCE, useDlqFixture } from './support.js';

/** Asset ids of DataZone's shape: 14 lower-case letters and digits. */
const assets = (count: number) =>
  Array.from({ length: count }, (_, i) => `asset${String(i).padStart(9, '0')}`);

describe('npm run dlq: redrive and delete when things go wrong', () => {
  const local = useDlqFixture();

  const validationFailures = (ids: readonly string[]) => {
    for (const id of ids) local.workerDeadLetter(id, 'ValidationException', `Bad revision for ${id}`);
    return ids.map((id) => assetEvent(id));
  };

  /** Nothing lost: each event is in one queue or both, and the DLQ's messages are all visible. */
  const expectNothingLost = (events: readonly string[]) => {
    const present = new Set([...local.bodies(SOURCE), ...local.bodies(DLQ)]);
    expect(events.filter((event) => !present.has(event))).toEqual([]);
    expect(local.server.peek(DLQ).filter((m) => m.inFlight)).toEqual([]);
  };

  it('keeps what a failed send did not take in the DLQ and redrives the rest', async () => {
    vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
    const events = validationFailures(assets(15));
    local.server.setFaults([
      { queue: SOURCE, operations: ['SendMessageBatch'], error: 'InternalError', times: 1 },
    ]);
    const { code, output } = await local.dlq(['redrive', '--reason', 'ValidationException']);
    expect(code).toBe(1);
    expect(output).toContain('Redriven: 5 of 15 dead letters.');
    expect(output).toContain('Not sent (still in the DLQ): 10');
    expect(local.bodies(SOURCE)).toEqual(events.slice(10));
    expect(local.bodies(DLQ).toSorted()).toEqual(events.slice(0, 10).toSorted());
    expectNothingLost(events);
  });

  it('leaves a sent dead letter whose delete failed in the DLQ: redriven again, it is only a duplicate', async () => {
    vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
    const events = validationFailures(assets(15));
    local.server.setFaults([
      { queue: DLQ, operations: ['DeleteMessageBatch'], error: 'InternalError', times: 1 },
    ]);
    const first = await local.dlq(['redrive', '--reason', 'ValidationException']);
    expect(first.code).toBe(1);
    expect(first.output).toContain('Redriven: 5 of 15 dead letters.');
    expect(first.output).toContain('Sent but not deleted (in both queues: a harmless duplicate): 10');
    expect(local.bodies(SOURCE)).toEqual(events);
    expect(local.bodies(DLQ)).toHaveLength(10);
    expectNothingLost(events);

    const again = await local.dlq(['redrive', '--reason', 'ValidationException']);
    expect(again.code).toBe(0);
    expect(local.bodies(DLQ)).toEqual([]);
    expect(local.bodies(SOURCE)).toHaveLength(25);
  });

  it('keeps the one entry SQS refuses and redrives the others of its batch', async () => {
    const small = local.server.createQueue(`small-${Date.now()}`, { maximumMessageSize: 1024 });
    const events = validationFailures(assets(3));
    const tooBig = 'x'.repeat(2000);
    local.workerDeadLetter(tooBig, 'ValidationException', 'Bad revision for a huge asset id');
    const { code, output } = await local.dlq([
      'redrive',
      '--reason',
      'ValidationException',
      '--source-url',
      small.url,
    ]);
    expect(code).toBe(1);
    expect(output).toContain('Redriven: 3 of 4 dead letters.');
    expect(output).toMatch(
      /Not sent \(still in the DLQ\): 1\n.*InvalidParameterValue: .*shorter than 1024 bytes/,
    );
    expect(local.server.peek(small.url.split('/').at(-1) ?? '').map((m) => m.body)).toEqual(events);
    expect(local.bodies(DLQ)).toEqual([assetEvent(tooBig)]);
  });

  it('sends the event of a Lambda on-failure record, not the record', async () => {
    local.lambdaRecord('lmbd4rec0rd1xx', 'Error', 'Task timed out after 30.00 seconds');
    const { code, output } = await local.dlq(['redrive', '--all']);
    expect(code).toBe(0);
    expect(output).toContain('Redriven: 1 of 1 dead letters.');
    expect(local.bodies(SOURCE).map((body) => JSON.parse(body))).toEqual([
      JSON.parse(assetEvent('lmbd4rec0rd1xx', OTHER_DOMAIN)),
    ]);
  });

  it('redrives --all one by one when --max leaves messages unread, so that nothing unchecked moves', async () => {
    validationFailures(assets(3));
    const { code, output } = await local.dlq(['redrive', '--all', '--max', '2']);
    expect(code).toBe(0);
    expect(output).toContain('Read stopped at --max 2 messages');
    expect(output).not.toContain('move task');
    expect(output).toContain('Redriven: 2 of 2 dead letters.');
    expect(local.bodies(SOURCE)).toHaveLength(2);
    expect(local.bodies(DLQ)).toHaveLength(1);
  });

  it('keeps to --rate over the whole redrive', async () => {
    validationFailures(assets(6));
    const started = Date.now();
    const { code } = await local.dlq(['redrive', '--reason', 'ValidationException', '--rate', '5']);
    expect(code).toBe(0);
    // Batches of 5 at 5 per second: the second batch waits a second.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(local.bodies(SOURCE)).toHaveLength(6);
  });

  it('stops between batches when interrupted and leaves the rest visible in the DLQ', async () => {
    const events = validationFailures(assets(15));
    const interrupt = new AbortController();
    setTimeout(() => interrupt.abort(), 300);
    const { code, output } = await local.dlq(
      ['redrive', '--reason', 'ValidationException', '--rate', '10'],
      interrupt.signal,
    );
    expect(code).toBe(1);
    expect(output).toContain('Redriven: 10 of 15 dead letters.');
    expect(output).toContain('Interrupted: the rest is still in the DLQ.');
    expect(local.bodies(DLQ)).toHaveLength(5);
    expectNothingLost(events);
  });

  it('deletes a selection (after a dry run that deletes nothing) and releases the rest', async () => {
    local.workerDeadLetter('g0neg0neg0ne12', 'ResourceNotFoundException', 'Asset g0neg0neg0ne12 not found');
    const kept = validationFailures(assets(2));
    const dryRun = await local.dlq(['delete', '--reason', 'ResourceNotFoundException', '--dry-run']);
    expect(dryRun.output).toContain('Would delete 1 dead letters (1 messages) from the DLQ');
    expect(local.bodies(DLQ)).toHaveLength(3);
    const deleted = await local.dlq(['delete', '--asset', 'g0neg0neg0ne12']);
    expect(deleted.code).toBe(0);
    expect(deleted.output).toContain('Deleted: 1 of 1 dead letters.');
    expect(local.bodies(DLQ)).toEqual(kept);
    expect(local.server.peek(DLQ).filter((m) => m.inFlight)).toEqual([]);
  });

  it('saves what it deletes first, and deletes nothing when it cannot save', async () => {
    const events = validationFailures(assets(3));
    const directory = await mkdtemp(join(tmpdir(), 'dlq-save-'));
    const file = join(directory, 'dead-letters.jsonl');
    const unwritable = await local.dlq(['delete', '--all', '--save', join(directory, 'missing', 'x.jsonl')]);
    expect(unwritable.code).toBe(1);
    expect(unwritable.output).toContain('ENOENT');
    expectNothingLost(events);
    expect(local.bodies(DLQ)).toHaveLength(3);

    const saved = await local.dlq(['delete', '--all', '--save', file]);
    expect(saved.code).toBe(0);
    expect(saved.output).toContain(`Saved 3 messages to ${file}.`);
    expect(local.bodies(DLQ)).toEqual([]);
    const lines = (await readFile(file, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.body).toSorted()).toEqual(events.toSorted());
    expect(lines[0]).toMatchObject({
      reasonId: expect.stringMatching(/^r[0-9a-f]{6}$/),
      messageId: expect.any(String),
      sentTimestamp: expect.any(Number),
      attributes: { ErrorName: 'ValidationException' },
    });
    await rm(directory, { recursive: true });
  });

  it('refuses to redrive without a source queue (the direct wiring) before reading anything', async () => {
    vi.stubEnv('SOURCE_QUEUE_URL', undefined);
    validationFailures(assets(1));
    const { code, output } = await local.dlq(['redrive', '--all']);
    expect(code).toBe(2);
    expect(output).toContain('no source queue');
    expect(local.server.peek(DLQ)).toMatchObject([{ receiveCount: 0 }]);
  });
});
