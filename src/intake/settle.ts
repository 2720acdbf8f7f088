/**
 * Waiting for a batch's records, but not past the invocation's deadline. The deadline also aborts in-flight
 * DataZone calls, so the cut-off only catches work that does not react to the abort signal.
 */
import type { Deadline } from '../core/ports.js';

/** How long records may still finish after the deadline's abort, before the ones left are cut off. */
const AFTER_ABORT_GRACE_MS = 50;

/**
 * Every task's result in record order; a record still running at the deadline gets `cutOff`'s result instead.
 * Records in `mustFinish` are awaited whatever the time: their work (a dead-letter send) is bounded by the final
 * signal, and handing one back while it may still complete would do it twice.
 */
export async function settleBeforeDeadline<Item, Result>(
  tasks: readonly Promise<Result>[],
  items: readonly Item[],
  deadline: Deadline,
  mustFinish: ReadonlySet<Item>,
  cutOff: (item: Item) => Result,
): Promise<Result[]> {
  const results: (Result | undefined)[] = items.map(() => undefined);
  const all = Promise.all(tasks.map((task, index) => task.then((done) => (results[index] = done))));
  const expired = new Promise<void>((resolve) => {
    if (deadline.signal.aborted) resolve();
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal aborts once at most; `once` only detaches
    deadline.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  const graceOver = expired.then(() => new Promise((resolve) => setTimeout(resolve, AFTER_ABORT_GRACE_MS)));
  await Promise.race([all, graceOver]);
  // A must-finish task that is already done resolves at once: awaiting it again costs a microtask.
  await Promise.all(items.map((item, index) => (mustFinish.has(item) ? tasks[index] : undefined)));
  return items.map((item, index) => results[index] ?? cutOff(item));
}
