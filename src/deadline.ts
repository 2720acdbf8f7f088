/**
 * The time an invocation may spend on records: Lambda's remaining time minus a safety margin kept for reporting.
 * Lambda runs one invocation at a time per container, so the clients built once per container read the current
 * invocation's deadline from one shared instance, started at the beginning of each invocation.
 */
import { DeadlineExceededError } from './core/outcome.js';

export class InvocationDeadline {
  private atMs = Number.POSITIVE_INFINITY;
  private controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /** Starts a new invocation's deadline, `remainingMs - marginMs` from now. */
  start(remainingMs: number, marginMs: number): void {
    this.finish();
    const budget = Math.max(0, remainingMs - marginMs);
    this.atMs = this.now() + budget;
    this.controller = new AbortController();
    const controller = this.controller;
    this.timer = setTimeout(
      () => controller.abort(new DeadlineExceededError('invocation deadline reached')),
      budget,
    );
    this.timer.unref();
  }

  /** Ends the invocation: pending timers no longer fire. */
  finish(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Epoch milliseconds after which no new work may start. */
  get at(): number {
    return this.atMs;
  }

  /** Aborted when the deadline passes: in-flight SDK calls are cancelled instead of running into the timeout. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  remainingMs(): number {
    return this.atMs - this.now();
  }

  expired(): boolean {
    return this.remainingMs() <= 0;
  }

  /** Throws DeadlineExceededError if the deadline has passed. */
  check(what: string): void {
    if (this.expired()) throw new DeadlineExceededError(`invocation deadline reached before ${what}`);
  }
}
