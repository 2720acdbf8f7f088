/**
 * The time an invocation may spend on records: Lambda's remaining time minus a safety margin kept for reporting.
 * Lambda runs one invocation at a time per container, so the clients built once per container read the current
 * invocation's deadline from one shared instance, started at the beginning of each invocation.
 */
import { DeadlineExceededError } from '../core/errors.js';
import type { Clock, Deadline } from '../core/ports.js';

/** What reporting may not eat into: the Lambda timeout itself, less the time to return the response. */
const RESPONSE_RESERVE_MS = 250;

export class InvocationDeadline implements Deadline {
  private atMs = Number.POSITIVE_INFINITY;
  private controller = new AbortController();
  private finalController = new AbortController();
  // Stryker disable next-line ArrayDeclaration: clearing a value that is not a pending timer's id does nothing
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly now: Clock = Date.now) {}

  /** Starts a new invocation's deadline, `remainingMs - marginMs` from now. */
  start(remainingMs: number, marginMs: number): void {
    this.finish();
    const budget = Math.max(0, remainingMs - marginMs);
    this.atMs = this.now() + budget;
    const controller = new AbortController();
    const finalController = new AbortController();
    this.controller = controller;
    this.finalController = finalController;
    this.timers = [
      setTimeout(() => controller.abort(new DeadlineExceededError('invocation deadline reached')), budget),
      setTimeout(
        () => finalController.abort(new DeadlineExceededError('Lambda timeout imminent')),
        Math.max(budget, remainingMs - RESPONSE_RESERVE_MS),
      ),
    ];
    for (const timer of this.timers) timer.unref();
  }

  /** Ends the invocation: pending timers no longer fire. */
  finish(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }

  /** Epoch milliseconds after which no new work may start. */
  get at(): number {
    return this.atMs;
  }

  /** Aborted when the deadline passes: in-flight SDK calls are cancelled instead of running into the timeout. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /**
   * Aborted just before the Lambda timeout: for the reporting that runs after the deadline (visibility changes),
   * which may use the safety margin but must not make Lambda fail the whole batch by timing out.
   */
  get finalSignal(): AbortSignal {
    return this.finalController.signal;
  }

  remainingMs(): number {
    return this.atMs - this.now();
  }

  expired(): boolean {
    return this.remainingMs() <= 0;
  }
}
