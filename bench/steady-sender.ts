/** Live events at a steady pace: what EventBridge delivers to the source queue while DataZone's users work. */
import { setTimeout as sleep } from 'node:timers/promises';

export interface SteadySending {
  readonly bodies: readonly string[];
  readonly perSecond: number;
  /** How many to send at least. */
  readonly count: number;
  /**
   * After `count`, keep sending at the same pace until this settles: a drain that must not find the queue empty
   * before another sender (the backfill) is done.
   */
  readonly until?: Promise<unknown> | undefined;
  readonly send: (body: string) => void;
  /**
   * Moves each body's time by up to half a step either way, drawn from this source of [0, 1): independent users'
   * events do not come at exact steps, and exact steps can lock in phase with another periodic sender (the
   * backfill's bursts), making one of two fixed outcomes depend on where the two started. None without it.
   */
  readonly random?: (() => number) | undefined;
  readonly clock?: { readonly now: () => number; readonly sleep: (ms: number) => Promise<unknown> };
}

/**
 * Sends body i at start + i / perSecond, or within half a step of it with `random` (a late one at once, so that a
 * slow moment does not shift the rest; half a step either way keeps the order), and returns when each was sent.
 * Throws when it runs out of bodies before `until` settles.
 */
export async function sendSteadily(options: SteadySending): Promise<number[]> {
  const { now, sleep: wait } = options.clock ?? { now: Date.now, sleep };
  let settled = options.until === undefined;
  options.until?.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  const start = now();
  const sentAt: number[] = [];
  for (let index = 0; ; index++) {
    const offset = options.random === undefined ? 0 : options.random() - 0.5;
    const dueIn = start + ((index + offset) * 1000) / options.perSecond - now();
    if (dueIn > 0) await wait(dueIn);
    // Checked when the body is due: the other sender may have finished while this one waited.
    if (index >= options.count && settled) return sentAt;
    const body = options.bodies[index];
    if (body === undefined) {
      throw new Error(`sendSteadily: ran out of events after ${index}, the other sender still going`);
    }
    options.send(body);
    sentAt.push(now());
  }
}
