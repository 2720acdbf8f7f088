/**
 * The worker's stdout during an invocation: its lines are held and leave together when the invocation ends, at a
 * periodic flush, or at an exit. Asserted on what reaches the stream's underlying writes (`_write`, `_writev`).
 */
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushCorked, type Repeat, withCoalescedOutput } from '../../src/runtime/coalesced-output.js';

/** A stream that records each system-call-sized write: the lines of one write, joined. */
class RecordingStream extends Writable {
  readonly writes: string[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.writes.push(chunk.toString());
    done();
  }

  override _writev(chunks: { chunk: Buffer }[], done: () => void): void {
    this.writes.push(chunks.map(({ chunk }) => chunk.toString()).join(''));
    done();
  }
}

/** A repeat the test drives: `tick()` runs the flush, `cancelled` says whether the invocation stopped it. */
function manualRepeat() {
  const state = { flush: undefined as (() => void) | undefined, everyMs: 0, cancelled: false };
  const repeat: Repeat = (flush, everyMs) => {
    Object.assign(state, { flush, everyMs, cancelled: false });
    return () => {
      state.cancelled = true;
    };
  };
  return { repeat, state, tick: () => state.flush?.() };
}

const LINE_A = '{"message":"metadata generation run started","runId":"run-a"}\n';
const LINE_B = '{"message":"metadata generation run started","runId":"run-b"}\n';
const METRICS = '{"_aws":{"CloudWatchMetrics":[]},"RunsStarted":2}\n';

describe('withCoalescedOutput', () => {
  it('writes an invocation’s lines once, together and in order, when it ends', async () => {
    const stream = new RecordingStream();
    const seenDuring: string[][] = [];
    const handler = withCoalescedOutput(
      async (records: string[]) => {
        for (const line of records) stream.write(line);
        seenDuring.push([...stream.writes]);
        return records.length;
      },
      stream,
      { maxDelayMs: 100, repeat: manualRepeat().repeat, exits: new EventEmitter() },
    );

    expect(await handler([LINE_A, LINE_B, METRICS])).toBe(3);
    expect(seenDuring).toEqual([[]]);
    expect(stream.writes).toEqual([LINE_A + LINE_B + METRICS]);
    expect(stream.writableCorked).toBe(0);
  });

  it('writes what is held every maxDelayMs while the invocation runs, and holds again after', async () => {
    const stream = new RecordingStream();
    const { repeat, state, tick } = manualRepeat();
    const handler = withCoalescedOutput(
      async () => {
        stream.write(LINE_A);
        tick();
        stream.write(LINE_B);
        return stream.writes.length;
      },
      stream,
      { maxDelayMs: 250, repeat, exits: new EventEmitter() },
    );

    expect(await handler()).toBe(1);
    expect(state.everyMs).toBe(250);
    expect(stream.writes).toEqual([LINE_A, LINE_B]);
    expect(state.cancelled).toBe(true);
  });

  it('writes the held lines when the handler fails, and passes its error on unchanged', async () => {
    const stream = new RecordingStream();
    const failure = new Error('a defect in the handler');
    const handler = withCoalescedOutput(
      async () => {
        stream.write(LINE_A);
        throw failure;
      },
      stream,
      { maxDelayMs: 100, repeat: manualRepeat().repeat, exits: new EventEmitter() },
    );

    await expect(handler()).rejects.toBe(failure);
    expect(stream.writes).toEqual([LINE_A]);
    expect(stream.writableCorked).toBe(0);
  });

  it('writes the held lines at an exit during the invocation, and listens for exits only then', async () => {
    const stream = new RecordingStream();
    const exits = new EventEmitter();
    const listenersDuring: number[] = [];
    const writesAtExit: string[][] = [];
    const handler = withCoalescedOutput(
      async () => {
        stream.write(LINE_A);
        stream.write(LINE_B);
        listenersDuring.push(exits.listenerCount('exit'));
        exits.emit('exit', 129);
        writesAtExit.push([...stream.writes]);
      },
      stream,
      { maxDelayMs: 100, repeat: manualRepeat().repeat, exits },
    );

    await handler();
    expect(listenersDuring).toEqual([1]);
    expect(writesAtExit).toEqual([[LINE_A + LINE_B]]);
    expect(exits.listenerCount('exit')).toBe(0);
  });

  it('leaves no exit listener behind after many invocations', async () => {
    const stream = new RecordingStream();
    const exits = new EventEmitter();
    const handler = withCoalescedOutput(async () => stream.write(LINE_A), stream, {
      maxDelayMs: 100,
      repeat: manualRepeat().repeat,
      exits,
    });

    for (let invocation = 0; invocation < 20; invocation++) await handler();
    expect(exits.listenerCount('exit')).toBe(0);
    expect(stream.writes).toHaveLength(20);
  });

  it('holds each of two overlapping invocations’ lines until the later one ends', async () => {
    const stream = new RecordingStream();
    let endFirst: () => void = () => undefined;
    const first = withCoalescedOutput(
      () =>
        new Promise<void>((resolve) => {
          stream.write(LINE_A);
          endFirst = resolve;
        }),
      stream,
      { maxDelayMs: 100, repeat: manualRepeat().repeat, exits: new EventEmitter() },
    );
    const second = withCoalescedOutput(async () => stream.write(LINE_B), stream, {
      maxDelayMs: 100,
      repeat: manualRepeat().repeat,
      exits: new EventEmitter(),
    });

    const firstRun = first();
    await second();
    expect(stream.writes).toEqual([]);
    endFirst();
    await firstRun;
    expect(stream.writes).toEqual([LINE_A + LINE_B]);
  });
});

describe('withCoalescedOutput with its own timer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes what is held after maxDelayMs, and leaves no timer behind once the invocation ends', async () => {
    vi.useFakeTimers();
    const stream = new RecordingStream();
    const writesDuring: string[][] = [];
    const handler = withCoalescedOutput(
      async () => {
        stream.write(LINE_A);
        await vi.advanceTimersByTimeAsync(99);
        writesDuring.push([...stream.writes]);
        await vi.advanceTimersByTimeAsync(1);
        writesDuring.push([...stream.writes]);
      },
      stream,
      { maxDelayMs: 100, exits: new EventEmitter() },
    );

    await handler();
    expect(writesDuring).toEqual([[], [LINE_A]]);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('flushCorked', () => {
  it('writes out a stream corked twice and leaves it corked twice', () => {
    const stream = new RecordingStream();
    stream.cork();
    stream.cork();
    stream.write(LINE_A);
    flushCorked(stream);
    stream.write(LINE_B);

    expect(stream.writes).toEqual([LINE_A]);
    expect(stream.writableCorked).toBe(2);
  });
});
