import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TurnBatchedOutput } from '../../src/runtime/turn-output.js';

/** A stream that records each write it is asked to make (one entry per system call it would be). */
function recordingStream() {
  const writes: string[][] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push([chunk.toString()]);
      done();
    },
    writev(chunks, done) {
      writes.push(chunks.map(({ chunk }) => String(chunk)));
      done();
    },
  });
  return { stream, writes };
}

/** An end of turn the test decides on: callbacks wait until `endTurn`. */
function manualTurns() {
  const pending: (() => void)[] = [];
  return {
    atEndOfTurn: (callback: () => void) => pending.push(callback),
    endTurn: () => {
      for (const callback of pending.splice(0)) callback();
    },
    pending,
  };
}

describe('TurnBatchedOutput', () => {
  it('writes the lines held in one turn together, at the end of the turn', () => {
    const { stream, writes } = recordingStream();
    const turns = manualTurns();
    const output = new TurnBatchedOutput(stream, turns.atEndOfTurn);
    output.hold();
    stream.write('first\n');
    output.hold();
    stream.write('second\n');
    expect(writes).toEqual([]);
    expect(turns.pending).toHaveLength(1);
    turns.endTurn();
    expect(writes).toEqual([['first\n', 'second\n']]);
    expect(stream.writableCorked).toBe(0);
  });

  it('lets a line that was not held leave at once', () => {
    const { stream, writes } = recordingStream();
    new TurnBatchedOutput(stream, manualTurns().atEndOfTurn);
    stream.write('alone\n');
    expect(writes).toEqual([['alone\n']]);
  });

  it('writes what is held when flushed, and the end of the turn then finds nothing to write', () => {
    const { stream, writes } = recordingStream();
    const turns = manualTurns();
    const output = new TurnBatchedOutput(stream, turns.atEndOfTurn);
    output.hold();
    stream.write('last of the invocation\n');
    output.flush();
    expect(writes).toEqual([['last of the invocation\n']]);
    turns.endTurn();
    output.flush();
    expect(writes).toHaveLength(1);
    expect(stream.writableCorked).toBe(0);
  });

  it('holds again after a flush, until the end of that turn', () => {
    const { stream, writes } = recordingStream();
    const turns = manualTurns();
    const output = new TurnBatchedOutput(stream, turns.atEndOfTurn);
    output.hold();
    stream.write('a\n');
    output.flush();
    output.hold();
    stream.write('b\n');
    stream.write('c\n');
    expect(writes).toEqual([['a\n']]);
    turns.endTurn();
    expect(writes).toEqual([['a\n'], ['b\n', 'c\n']]);
  });

  it('by default writes held lines before the event loop moves on to the next turn', async () => {
    const { stream, writes } = recordingStream();
    const output = new TurnBatchedOutput(stream);
    output.hold();
    stream.write('one\n');
    stream.write('two\n');
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual([['one\n', 'two\n']]);
  });
});
