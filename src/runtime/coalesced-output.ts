/**
 * The lines an invocation writes to stdout (its INFO log lines and metric documents) leave the process together, at
 * the end of the invocation, or at most `maxDelayMs` after they were written. Each write to Lambda's stdout is a
 * system call, made while the batch's other answers wait for the one thread: one per record cost about 1% of batch
 * throughput (docs/benchmarks-history.md, seventh session). WARN and ERROR lines go to stderr, which is never held.
 * What a process killed mid-invocation (out of memory, the Lambda timeout) loses is its last `maxDelayMs` of lines.
 */
import type { Writable } from 'node:stream';

/** Calls `flush` every `everyMs` until cancelled. */
export type Repeat = (flush: () => void, everyMs: number) => () => void;

const repeatWithTimers: Repeat = (flush, everyMs) => {
  const timer = setInterval(flush, everyMs);
  return () => clearInterval(timer);
};

/** Writes out everything `stream` holds, for good: at exit, when the invocation will not end to do it. */
function uncorkFully(stream: Writable): void {
  while (stream.writableCorked > 0) stream.uncork();
}

/** Writes out everything `stream` holds and leaves it corked as deeply as it was. */
export function flushCorked(stream: Writable): void {
  const depth = stream.writableCorked;
  uncorkFully(stream);
  for (let level = 0; level < depth; level++) stream.cork();
}

export interface CoalescingOptions {
  readonly maxDelayMs: number;
  readonly repeat?: Repeat;
  /**
   * Announces the process's exit: `process`. Lambda's runtime exits on an error no invocation caught, and what the
   * invocation held is written out then.
   */
  readonly exits?: Pick<NodeJS.EventEmitter, 'once' | 'off'>;
}

/** `handler`, with `stream`'s writes held during each invocation and written out together. */
export function withCoalescedOutput<Args extends unknown[], Result>(
  handler: (...args: Args) => Promise<Result>,
  stream: Writable,
  { maxDelayMs, repeat = repeatWithTimers, exits = process }: CoalescingOptions,
): (...args: Args) => Promise<Result> {
  return async (...args) => {
    stream.cork();
    const cancel = repeat(() => flushCorked(stream), maxDelayMs);
    const atExit = () => uncorkFully(stream);
    exits.once('exit', atExit);
    try {
      return await handler(...args);
    } finally {
      exits.off('exit', atExit);
      cancel();
      stream.uncork();
    }
  };
}
