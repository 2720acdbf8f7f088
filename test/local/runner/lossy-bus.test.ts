/** The lossy bus: which of a run's events never reach the source queue, and that it is the same for the same seed. */
import { describe, expect, it } from 'vitest';
import { loadSampleEvents } from '../../../tools/local/runner/event-files.js';
import { crossBus } from '../../../tools/local/runner/lossy-bus.js';

const samples = loadSampleEvents();
/** The EventBridge id of a sample body, if it has one. */
const idOf = (body: string): string | undefined => {
  try {
    return JSON.parse(body).id;
  } catch {
    return undefined;
  }
};
/** The samples that are no DataZone asset event the worker could read (wrong source, bad domain, not JSON). */
const NOT_ASSET_EVENTS = [
  'eventbridge/invalid-asset-event.json',
  'eventbridge/other-source.json',
  'sqs/batch.json#7',
  'sqs/invalid-asset-event.json#1',
  'sqs/malformed-body.json#1',
];
const assetEventIds = new Set(
  samples.filter((e) => !NOT_ASSET_EVENTS.includes(e.label)).map((e) => idOf(e.body)),
);

describe('the lossy bus', () => {
  it('loses the seeded share of the distinct asset events, the same ones for the same seed', () => {
    const lost = crossBus(samples, { eventLossRate: 0.3 }, 1);

    const lostIds = new Set(lost.dropped.map((e) => idOf(e.body)));
    expect(lostIds.size).toBe(Math.round(0.3 * assetEventIds.size));
    expect(crossBus(samples, { eventLossRate: 0.3 }, 1)).toEqual(lost);
    expect(crossBus(samples, { eventLossRate: 0.3 }, 2).dropped).not.toEqual(lost.dropped);
  });

  it('loses every delivery of a lost event, and keeps every delivery of the others', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { delivered, dropped } = crossBus(samples, { eventLossRate: 0.3 }, seed);
      const lostIds = new Set(dropped.map((e) => idOf(e.body)));
      expect(delivered.filter((e) => lostIds.has(idOf(e.body)))).toEqual([]);
    }
  });

  it('loses no other body: what is not an asset event gets through even when every asset event is lost', () => {
    const { delivered, dropped } = crossBus(samples, { eventLossRate: 1 }, 1);

    expect(delivered.map((e) => e.label)).toEqual(NOT_ASSET_EVENTS);
    expect(dropped).toHaveLength(samples.length - NOT_ASSET_EVENTS.length);
  });

  it('numbers the events from 1 in the order given, delivered or not', () => {
    const { delivered, dropped } = crossBus(samples, { eventLossRate: 0.3 }, 1);

    const numbered = [...delivered, ...dropped].sort((a, b) => a.index - b.index);
    expect(numbered.map((e) => [e.index, e.label])).toEqual(samples.map((e, i) => [i + 1, e.label]));
  });

  it('without faults loses nothing', () => {
    expect(crossBus(samples, undefined, 1).dropped).toEqual([]);
    expect(crossBus(samples, { eventLossRate: 0 }, 1).delivered).toHaveLength(samples.length);
  });

  it('refuses a share outside 0 to 1', () => {
    expect(() => crossBus(samples, { eventLossRate: 1.5 }, 1)).toThrow(RangeError);
  });
});
