/**
 * The log lines of one event-loop turn leave the process in one write. The answers of a batch's requests arrive
 * together and are handled one after another in the same turn, each with its log line; written one by one, every
 * line is a system call that wakes the reader of the pipe (the Lambda runtime's log collector), about 40 µs each
 * on a Firecracker microVM, on the path of the batch's last record. Lines are never held past the turn they were
 * written in (the stream is uncorked before the event loop waits again) nor past the invocation (`flush`).
 */
import type { Writable } from 'node:stream';

/** What the reporter tells before it writes, and the handler when the invocation ends. */
export interface TurnOutput {
  /** Lines written from now to the end of the turn are held and written together then. */
  hold(): void;
  /** Writes what is held, now. */
  flush(): void;
}

/** Writes each line at once: for tests and tools that read their lines as they are written. */
export const WRITE_AT_ONCE: TurnOutput = { hold: () => undefined, flush: () => undefined };

export class TurnBatchedOutput implements TurnOutput {
  private holding = false;

  constructor(
    private readonly stream: Writable,
    /** Runs its callback at the end of the current turn, before the event loop waits for I/O again. */
    private readonly atEndOfTurn: (callback: () => void) => unknown = setImmediate,
  ) {}

  hold(): void {
    if (this.holding) return;
    this.holding = true;
    this.stream.cork();
    this.atEndOfTurn(() => this.flush());
  }

  flush(): void {
    if (!this.holding) return;
    this.holding = false;
    this.stream.uncork();
  }
}
