// The runbook of docs/operations.md rehearsed on the local SQS: a DLQ holding the worker's dead letters (two
// reasons, one of them twice over), a duplicate copy, a message the redrive policy moved, read with summary and
// show, then redriven step by step: a dry run, one reason, and the rest with SQS's message move task.
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { assetEvent, DLQ, DOMAIN, SOURCE, useDlqFixture } from './support.js';

describe('npm run dlq: the runbook, rehearsed locally', () => {
  const local = useDlqFixture();

  /** The DLQ after an incident: what the person on call finds. */
  async function incident() {
    local.workerDeadLetter(
      'ayzstznnx4dxyf',
      'AccessDeniedException',
      'User is not authorized for asset ayzstznnx4dxyf',
    );
    local.workerDeadLetter(
      'b7kq2nd8s1xw3p',
      'AccessDeniedException',
      'User is not authorized for asset b7kq2nd8s1xw3p',
    );
    // The same failure dead-lettered twice (a send retried after a lost answer): one dead letter, two copies.
    local.workerDeadLetter(
      'ayzstznnx4dxyf',
      'AccessDeniedException',
      'User is not authorized for asset ayzstznnx4dxyf',
    );
    local.workerDeadLetter(
      'c4vbn7mq9z2rt8',
      'ValidationException',
      'Unsupported asset type S3ObjectCollection',
    );
    await local.movedByRedrivePolicy('d9ws3ke6p4yh1u');
  }

  it('summary groups by reason, collapses duplicates and leaves every message in the queue', async () => {
    await incident();
    const before = local.server.peek(DLQ);
    const { code, output } = await local.dlq(['summary']);
    expect(code).toBe(0);
    expect(output).toContain('5 messages read, 4 dead letters (1 duplicate copy shown once)');
    expect(output).toMatch(
      /r[0-9a-f]{6} +2 +\S+ +AccessDeniedException \(worker\): User is not authorized for asset <id> +\[redrive needs --force\]/,
    );
    expect(output).toMatch(
      /r[0-9a-f]{6} +1 +\S+ +ValidationException \(worker\): Unsupported asset type S3ObjectCollection/,
    );
    expect(output).toMatch(
      /r[0-9a-f]{6} +1 +\S+ +MovedByRedrivePolicy \(redrive-policy\): moved by the redrive policy, no reason/,
    );
    expect(output).toContain(`${DOMAIN}  Asset Added To Inventory`);
    expect(output).toMatch(/SQS deletes it in 13d 23h/);
    // Nothing consumed: the same messages, all visible again, each received once more.
    const after = local.server.peek(DLQ);
    expect(after.map((m) => m.messageId)).toEqual(before.map((m) => m.messageId));
    expect(after.every((m) => !m.inFlight)).toBe(true);
    expect(after.map((m) => m.receiveCount)).toEqual(before.map((m) => m.receiveCount + 1));
  });

  it('show prints a group’s dead letters with their attributes; redrive refuses it until --force', async () => {
    await incident();
    const shown = await local.dlq(['show', '--reason', 'AccessDeniedException']);
    expect(shown.code).toBe(0);
    expect(shown.output).toContain('2 dead letters:');
    expect(shown.output).toContain('ErrorMessage: User is not authorized for asset b7kq2nd8s1xw3p');
    expect(shown.output).toContain('SourceMessageId: source-ayzstznnx4dxyf');
    expect(shown.output).toMatch(/duplicate copies: [0-9a-f-]{36}/);
    expect(shown.output).toContain(`body: ${assetEvent('b7kq2nd8s1xw3p')}`);

    const refused = await local.dlq(['redrive', '--reason', 'AccessDeniedException']);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('Refused: 2 × ');
    expect(refused.output).toContain("cannot check the role's permissions");
    expect(local.bodies(SOURCE)).toEqual([]);
    expect(local.server.peek(DLQ).filter((m) => !m.inFlight)).toHaveLength(5);
  });

  it('redrives a dry run, then one reason, then the rest with the message move task, losing nothing', async () => {
    await incident();
    const everything = local.bodies(DLQ).toSorted();

    const dryRun = await local.dlq(['redrive', '--all', '--dry-run', '--force']);
    expect(dryRun.code).toBe(0);
    expect(dryRun.output).toContain('Would redrive 4 dead letters (5 messages)');
    expect(dryRun.output).toContain('with the SQS message move task');
    expect(local.bodies(SOURCE)).toEqual([]);
    expect(local.server.peek(DLQ).filter((m) => !m.inFlight)).toHaveLength(5);

    const one = await local.dlq(['redrive', '--reason', 'ValidationException']);
    expect(one.code).toBe(0);
    expect(one.output).toContain('Redriven: 1 of 1 dead letters.');
    expect(local.bodies(SOURCE)).toEqual([assetEvent('c4vbn7mq9z2rt8')]);
    expect(local.bodies(DLQ)).toHaveLength(4);
    expect(local.server.peek(DLQ).every((m) => !m.inFlight)).toBe(true);

    const rest = await local.dlq(['redrive', '--all', '--force', '--rate', '50']);
    expect(rest.code).toBe(0);
    expect(rest.output).toContain('message move task started');
    expect(rest.output).toContain('Move task COMPLETED: 4 messages moved');
    expect(local.bodies(DLQ)).toEqual([]);
    // Every event is back; the duplicate copy came along (the client token makes it harmless).
    expect(local.bodies(SOURCE).toSorted()).toEqual(everything);

    const empty = await local.dlq(['summary']);
    expect(empty.output).toContain('The dead-letter queue is empty.');
  });

  it('runs as npm run dlq, with the queues from the environment', async () => {
    local.workerDeadLetter('ayzstznnx4dxyf', 'ResourceNotFoundException', 'Asset ayzstznnx4dxyf not found');
    const { stdout, code } = await new Promise<{ stdout: string; code: number }>((resolve) => {
      execFile('npm', ['run', '--silent', 'dlq', '--', 'summary'], { env: process.env }, (error, out) =>
        resolve({ stdout: out, code: error === null ? 0 : Number(error.code) }),
      );
    });
    expect(code).toBe(0);
    expect(stdout).toContain('1 message read, 1 dead letter');
    expect(stdout).toContain('ResourceNotFoundException (worker): Asset <id> not found');
    expect(local.server.peek(DLQ)).toMatchObject([{ inFlight: false }]);
  });
});
