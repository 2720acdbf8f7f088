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

  it('holds the stream once for overlapping invocations, and writes what is held when each one ends', async () => {
    const stream = new RecordingStream();
    const exits = new EventEmitter();
    const { repeat, state } = manualRepeat();
    let repeatsStarted = 0;
    const countingRepeat: Repeat = (flush, everyMs) => {
      repeatsStarted += 1;
      return repeat(flush, everyMs);
    };
    const ends: (() => void)[] = [];
    const seen: { corked: number; exitListeners: number }[] = [];
    const handler = withCoalescedOutput(
      (line: string) =>
        new Promise<void>((resolve) => {
          stream.write(line);
          seen.push({ corked: stream.writableCorked, exitListeners: exits.listenerCount('exit') });
          ends.push(resolve);
        }),
      stream,
      { maxDelayMs: 100, repeat: countingRepeat, exits },
    );

    const first = handler(LINE_A);
    const second = handler(LINE_B);
    expect(stream.writes).toEqual([]);
    ends[1]?.();
    await second;
    expect(stream.writes).toEqual([LINE_A + LINE_B]);
    stream.write(METRICS);
    expect(stream.writes).toEqual([LINE_A + LINE_B]);
    expect(exits.listenerCount('exit')).toBe(1);
    ends[0]?.();
    await first;

    expect(stream.writes).toEqual([LINE_A + LINE_B, METRICS]);
    expect(seen).toEqual([
      { corked: 1, exitListeners: 1 },
      { corked: 1, exitListeners: 1 },
    ]);
    expect(repeatsStarted).toBe(1);
    expect(state.cancelled).toBe(true);
    expect(stream.writableCorked).toBe(0);
    expect(exits.listenerCount('exit')).toBe(0);
  });

  it('starts holding again after all overlapping invocations ended', async () => {
    const stream = new RecordingStream();
    const exits = new EventEmitter();
    const handler = withCoalescedOutput(async (line: string) => stream.write(line), stream, {
      maxDelayMs: 100,
      repeat: manualRepeat().repeat,
      exits,
    });

    await Promise.all(Array.from({ length: 12 }, () => handler(LINE_A)));
    await handler(LINE_B);
    expect(stream.writes).toEqual([LINE_A.repeat(12), LINE_B]);
    expect(exits.listenerCount('exit')).toBe(0);
  });
});

describe('withCoalescedOutput at exit', () => {
  /** A stream over a pipe-like handle that records when it was made blocking, among the writes. */
  function streamOverHandle(handle: object) {
    const stream = new RecordingStream();
    return Object.assign(stream, { _handle: handle });
  }

  it('makes a pipe blocking before it writes out what was held', async () => {
    const events: string[] = [];
    const stream = streamOverHandle({
      setBlocking: (blocking: boolean) => events.push(`blocking ${blocking}`),
    });
    const exits = new EventEmitter();
    const handler = withCoalescedOutput(
      async () => {
        stream.write(LINE_A);
        exits.emit('exit', 129);
        events.push(...stream.writes);
      },
      stream,
      { maxDelayMs: 100, repeat: manualRepeat().repeat, exits },
    );

    await handler();
    expect(events).toEqual(['blocking true', LINE_A]);
  });

  it('writes out what was held over a handle that cannot be made blocking', async () => {
    const stream = streamOverHandle({});
    const exits = new EventEmitter();
    const handler = withCoalescedOutput(
      async () => {
        stream.write(LINE_A);
        exits.emit('exit', 129);
        return [...stream.writes];
      },
      stream,
      { maxDelayMs: 100, repeat: manualRepeat().repeat, exits },
    );

    expect(await handler()).toEqual([LINE_A]);
  });
});

describe('withCoalescedOutput with its own timer', () => {
  it('does not keep the process alive with its timer while an invocation runs', async () => {
    const stream = new RecordingStream();
    const timersKeepingAlive = () =>
      process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    const before = timersKeepingAlive();
    let end: () => void = () => undefined;
    const handler = withCoalescedOutput(
      () =>
        new Promise<number>((resolve) => {
          end = () => resolve(timersKeepingAlive());
        }),
      stream,
      { maxDelayMs: 100, exits: new EventEmitter() },
    );

    const during = handler();
    end();
    expect(await during).toBe(before);
  });

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
