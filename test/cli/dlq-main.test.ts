// npm run dlq around its commands, on the local SQS: an interrupted read, a read stopped at --max, messages that
// cannot be made visible again at the end, and a summary without a source queue.
import { describe, expect, it, vi } from 'vitest';
import { runDlq } from '../../src/cli/dlq/main.js';
import { DLQ, useDlqFixture } from './support.js';

describe('npm run dlq: reading and releasing', () => {
  const local = useDlqFixture();

  const validationFailures = (count: number) => {
    for (let i = 0; i < count; i++)
      local.workerDeadLetter(`asset${i}`, 'ValidationException', 'Bad revision');
  };

  it('does nothing when interrupted while reading, and leaves every message visible', async () => {
    validationFailures(2);
    const interrupted = new AbortController();
    interrupted.abort();
    const { code, output } = await local.dlq(['redrive', '--all'], interrupted.signal);
    expect(code).toBe(1);
    expect(output).toBe(
      'Interrupted while reading the DLQ: nothing done, every message read is made visible again.',
    );
    expect(local.server.peek(DLQ).filter((m) => m.inFlight)).toEqual([]);
  });

  it('says a read stopped at --max before a command that acts, not before a summary', async () => {
    validationFailures(3);
    const shown = await local.dlq(['show', '--all', '--max', '2']);
    expect(shown.output.split('\n')[0]).toBe(
      'Read stopped at --max 2 messages: any others are left for another run.',
    );
    const summary = await local.dlq(['summary', '--max', '2']);
    expect(summary.output).not.toContain('Read stopped at --max');
    const everything = await local.dlq(['show', '--all']);
    expect(everything.output).not.toContain('Read stopped at --max');
  });

  it('summarises a DLQ without a source queue (the direct wiring)', async () => {
    vi.stubEnv('SOURCE_QUEUE_URL', undefined);
    validationFailures(1);
    const { code, output } = await local.dlq(['summary']);
    expect(code).toBe(0);
    expect(output).toContain('1 message read, 1 dead letter');
  });

  it('says why redrive needs a source queue', async () => {
    vi.stubEnv('SOURCE_QUEUE_URL', undefined);
    const { output } = await local.dlq(['redrive', '--all']);
    expect(output).toContain(
      'dlq: no source queue: give --source-url, SOURCE_QUEUE_URL or --stack (output SourceQueueUrl). The direct ' +
        'wiring has none: replay as docs/operations.md (Direct wiring) says',
    );
  });

  it('warns and exits 1 when what it read cannot be made visible again', async () => {
    vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
    validationFailures(2);
    local.server.setFaults([
      { queue: DLQ, operations: ['ChangeMessageVisibilityBatch'], error: 'InternalError', times: 1 },
    ]);
    const { code, output } = await local.dlq(['summary']);
    expect(code).toBe(1);
    expect(output.split('\n').at(-1)).toMatch(
      /^Warning: 2 messages could not be made visible again \(InternalError: .*\); SQS shows them again within 120 s, or when the redrive's hold ends\.$/,
    );
  });

  it('stops waiting for its rate at once when interrupted', async () => {
    validationFailures(3);
    const interrupt = new AbortController();
    let interruptedAt = 0;
    const lines: string[] = [];
    // Interrupted once the first message is sent: at 1 a second the next send is a second away.
    const code = await runDlq(['redrive', '--reason', 'ValidationException', '--rate', '1'], {
      env: process.env,
      signal: interrupt.signal,
      print: (line) => {
        lines.push(line);
        if (line.startsWith('redrive: 1/3 tried')) {
          interruptedAt = Date.now();
          interrupt.abort();
        }
      },
    });
    expect(Date.now() - interruptedAt).toBeLessThan(800);
    expect(code).toBe(1);
    expect(lines).toContain('Redriven: 1 of 3 dead letters.');
  });

  it('follows the move task as often as it is told to', async () => {
    validationFailures(2);
    const started = Date.now();
    // At 4 a second the task is done within half a second; the default poll would first look after 2 s (the
    // margin is for a loaded machine).
    const { code } = await local.dlq(['redrive', '--all', '--force', '--rate', '4']);
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(1900);
  });
});
