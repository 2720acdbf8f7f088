// Virtual time for the event source (local SQS only): the clock jumps when nothing else can happen.
import { setTimeout as sleep } from 'node:timers/promises';
import type { VirtualTime } from './virtual-time.js';

/** What the runner may see of the source queue to move virtual time (local SQS's `peek`). */
interface QueueInsight {
  readonly messageId: string;
  readonly receiveCount: number;
  /** Epoch ms on the virtual clock. */
  readonly visibleAt: number;
}

/** What else the clock waits for besides messages: runs ending at the local DataZone, their events delivered. */
export interface ScheduledEvents {
  /** Epoch ms (virtual) of the next one to wait for; undefined: none. */
  nextAt(): number | undefined;
  /** Puts on the source queue what is due by now. */
  deliver(): Promise<void>;
  /** Something is due or on its way: the queue is not drained while it is. */
  pending(): boolean;
  /** Deliveries made so far (to tell whether one happened while the queue was being looked at). */
  deliveries(): number;
}

export interface VirtualTimeControl {
  readonly time: VirtualTime;
  /** Every message still in the source queue. */
  readonly peek: () => readonly QueueInsight[];
  readonly scheduled?: ScheduledEvents;
  /** Real milliseconds between checks. Default 5. */
  readonly tickMs?: number;
}

export interface KeeperOptions {
  /** The event source loop's state: stopped, and how many pollers hold messages. */
  readonly loop: { readonly done: boolean; readonly busy: number };
  /** Receive count at which each message was last settled by an invocation. */
  readonly settled: ReadonlyMap<string, number>;
  readonly abortReceives: () => void;
  readonly stop: (reason: string) => void;
  readonly log: (line: string) => void;
  /** Virtual time that may be skipped in all before the loop is stopped. */
  readonly maxVirtualMs: number;
}

/**
 * Until the loop is done: delivers the scheduled events that are due; when no message is visible, every message
 * in flight was settled by an invocation (none is being processed or is on its way to a poller) and no poller
 * holds messages, moves the clock to the next message's visibility or the next scheduled event, whichever comes
 * first, instead of waiting for it. An empty queue with nothing scheduled ends the pollers' long polls so that
 * they confirm it over the wire. Returns the number of jumps.
 */
export async function keepVirtualTime(control: VirtualTimeControl, options: KeeperOptions): Promise<number> {
  const { loop, settled, log, maxVirtualMs } = options;
  const tick = control.tickMs ?? 5;
  const skippedAtStart = control.time.skippedMs();
  let jumps = 0;
  while (!loop.done) {
    await sleep(tick);
    if (loop.done) break;
    await control.scheduled?.deliver();
    if (loop.busy > 0 || loop.done) continue;
    const messages = control.peek();
    const scheduledAt = control.scheduled?.nextAt();
    if (messages.length === 0 && scheduledAt === undefined) {
      options.abortReceives();
      continue;
    }
    const now = control.time.now();
    if (messages.some((m) => m.visibleAt <= now)) continue;
    const unheld = messages.every((m) => m.receiveCount === 0 || settled.get(m.messageId) === m.receiveCount);
    if (!unheld) continue;
    const visibleAt = Math.min(...messages.map((m) => m.visibleAt));
    const next = Math.min(visibleAt, scheduledAt ?? Number.POSITIVE_INFINITY);
    const skipped = control.time.advanceTo(next);
    if (skipped > 0) {
      jumps += 1;
      const what = next === visibleAt ? 'next message visible' : 'next run ends';
      log(`virtual time +${skipped < 1000 ? `${skipped} ms` : `${(skipped / 1000).toFixed(1)} s`}: ${what}`);
    }
    if (control.time.skippedMs() - skippedAtStart > maxVirtualMs)
      options.stop(`virtual-time bound reached (${maxVirtualMs} ms)`);
  }
  return jumps;
}
