// The bus between DataZone and the source queue as it carries the run's own events: EventBridge's delivery is
// best effort, so a fault profile can have it lose a seeded share of the events before they reach the queue. Which
// ones is recorded, so that the summary can tell a revision whose events were lost from one no event named.
import { parseAssetEvent, parseEnvelopeJson } from '../../../src/core/asset-event.js';
import { seededRandom } from '../http-util.js';
import type { InputEvent } from './event-files.js';

export interface BusFaults {
  /** Share (0–1) of the run's asset events that never reach the source queue, chosen by the seed. */
  readonly eventLossRate: number;
}

/** One of the run's events, numbered from 1 in the order given. */
export interface NumberedEvent extends InputEvent {
  readonly index: number;
}

export interface BusCrossing {
  /** The events that reach the source queue, in order. */
  readonly delivered: readonly NumberedEvent[];
  /** The events the bus lost, in order. */
  readonly dropped: readonly NumberedEvent[];
}

/**
 * Exactly round(rate × n) of the n distinct asset events are lost, chosen by a shuffle seeded with `seed`; other
 * bodies (other sources, malformed ones) pass, as the sweep could not make up for them anyway. Bodies with the same
 * EventBridge event id are deliveries of one event (the samples repeat some, as at-least-once delivery does): a
 * lost event loses every delivery. The same events and seed lose the same events, whatever else the run does.
 */
export function crossBus(
  events: readonly InputEvent[],
  faults: BusFaults | undefined,
  seed: number,
): BusCrossing {
  const numbered = events.map((event, i) => ({ ...event, index: i + 1 }));
  const rate = faults?.eventLossRate ?? 0;
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`eventLossRate must be from 0 to 1, got ${rate}`);
  const keys = numbered.map(assetEventKey);
  const distinct = [...new Set(keys.filter((key) => key !== undefined))];
  const order = seededShuffle(distinct.length, seed).slice(0, Math.round(rate * distinct.length));
  const lost = new Set(order.map((i) => distinct[i]));
  return {
    delivered: numbered.filter((_, i) => keys[i] === undefined || !lost.has(keys[i])),
    dropped: numbered.filter((_, i) => keys[i] !== undefined && lost.has(keys[i])),
  };
}

/** An asset event's EventBridge id (its own number when it has none); undefined for any other body. */
function assetEventKey(event: NumberedEvent): string | undefined {
  const envelope = parseEnvelopeJson(event.body);
  if (!envelope.ok || !parseAssetEvent(envelope.value).ok) return undefined;
  return envelope.value.id === undefined || envelope.value.id === ''
    ? `#${event.index}`
    : `id ${envelope.value.id}`;
}

/** 0..n-1 in a seeded order (Fisher–Yates). */
function seededShuffle(n: number, seed: number): number[] {
  const random = seededRandom(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}
