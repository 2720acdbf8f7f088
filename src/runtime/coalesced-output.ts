/**
 * The lines an invocation writes to stdout (its INFO and DEBUG log lines and its metric documents) leave the process
 * together, when the invocation ends, or at most `maxDelayMs` after they were written. Each write to Lambda's stdout
 * is a system call, made while the batch's other answers wait for the one thread: a write per line cost about 65 µs
 * of CPU per record (docs/benchmarks-history.md, seventh session). WARN and ERROR lines go to stderr, never held.
 * What a process killed mid-invocation (out of memory, the Lambda timeout) loses is its last `maxDelayMs` of lines.
 */
import type { Writable } from 'node:stream';

/** Calls `flush` every `everyMs` until cancelled. */
export type Repeat = (flush: () => void, everyMs: number) => () => void;

const repeatWithTimers: Repeat = (flush, everyMs) => {
  const timer = setInterval(flush, everyMs);
  // A handler that never returns must not be kept alive by its own flushing.
  timer.unref();
  return () => clearInterval(timer);
};

/** Writes out everything `stream` holds, for good. */
function uncorkFully(stream: Writable): void {
  while (stream.writableCorked > 0) stream.uncork();
}

/** Writes out everything `stream` holds and leaves it corked as deeply as it was. */
export function flushCorked(stream: Writable): void {
  const depth = stream.writableCorked;
  uncorkFully(stream);
  for (let level = 0; level < depth; level++) stream.cork();
}

/**
 * At exit no event loop is left to finish a write the pipe could not take at once, so the pipe is made blocking
 * first, as Node's stdio handles allow (what the `set-blocking` package does): otherwise all but its first 64 KiB
 * would be lost.
 */
function writeOutAtExit(stream: Writable): void {
  const handle = (stream as { _handle?: { setBlocking?: (blocking: boolean) => unknown } })._handle;
  handle?.setBlocking?.(true);
  uncorkFully(stream);
}

export interface CoalescingOptions {
  readonly maxDelayMs: number;
  readonly repeat?: Repeat;
  /**
   * Announces the process's exit: `process`. Lambda's runtime exits on an error no invocation caught, and what the
   * invocations held is written out then.
   */
  readonly exits?: Pick<NodeJS.EventEmitter, 'once' | 'off'>;
}

/**
 * `handler`, with `stream`'s writes held while any of its invocations runs (Lambda may run several at once in one
 * process): one cork, one periodic flush and one exit listener for them all. An invocation that ends writes out
 * what is held, its own lines and those of the others so far.
 */
export function withCoalescedOutput<Args extends unknown[], Result>(
  handler: (...args: Args) => Promise<Result>,
  stream: Writable,
  { maxDelayMs, repeat = repeatWithTimers, exits = process }: CoalescingOptions,
): (...args: Args) => Promise<Result> {
  let running = 0;
  let stopRepeat = () => {};
  const atExit = () => writeOutAtExit(stream);
  const begin = () => {
    running += 1;
    if (running > 1) return;
    stream.cork();
    stopRepeat = repeat(() => flushCorked(stream), maxDelayMs);
    exits.once('exit', atExit);
  };
  const end = () => {
    running -= 1;
    if (running > 0) return flushCorked(stream);
    stopRepeat();
    exits.off('exit', atExit);
    stream.uncork();
  };
  return async (...args) => {
    begin();
    try {
      return await handler(...args);
    } finally {
      end();
    }
  };
}
