import { describe, expect, it } from 'vitest';
import { sendSteadily } from '../../bench/steady-sender.js';

/** A clock that moves only when slept on, and by `lag` ms more when a sleep oversleeps. */
function fakeClock(lagAt: ReadonlyMap<number, number> = new Map()) {
  let time = 1000;
  let sleeps = 0;
  return {
    now: () => time,
    sleep: async (ms: number) => {
      sleeps += 1;
      time += ms + (lagAt.get(sleeps) ?? 0);
    },
  };
}

const bodies = (n: number) => Array.from({ length: n }, (_, i) => `event-${i}`);

describe('bench steady sender', () => {
  it('sends `count` bodies in order, 1/perSecond apart, and says when each went', async () => {
    const sent: string[] = [];
    const sentAt = await sendSteadily({
      bodies: bodies(10),
      perSecond: 50,
      count: 4,
      send: (body) => sent.push(body),
      clock: fakeClock(),
    });

    expect(sent).toEqual(['event-0', 'event-1', 'event-2', 'event-3']);
    expect(sentAt).toEqual([1000, 1020, 1040, 1060]);
  });

  it('moves each body within half a step of its slot with a random source, keeping the order', async () => {
    const draws = [0, 0.999, 0.5, 0.25];
    const sentAt = await sendSteadily({
      bodies: bodies(10),
      perSecond: 50,
      count: 4,
      send: () => undefined,
      random: () => draws.shift() ?? 0.5,
      clock: fakeClock(),
    });

    // Slots at 1000, 1020, 1040, 1060; offsets -10, +9.98, 0, -5 ms; the first, due before the start, goes at once.
    expect(sentAt).toEqual([1000, 1029.98, 1040, 1055]);
  });

  it('sends a late body at once and keeps the schedule for the rest', async () => {
    // The second sleep (before event 2) oversleeps by 50 ms: events 2–4 were due by then.
    const sentAt = await sendSteadily({
      bodies: bodies(6),
      perSecond: 50,
      count: 6,
      send: () => undefined,
      clock: fakeClock(new Map([[2, 50]])),
    });

    expect(sentAt).toEqual([1000, 1020, 1090, 1090, 1090, 1100]);
  });

  it('keeps sending past `count` until the other sender is done, then stops', async () => {
    const clock = fakeClock();
    let finish: () => void = () => undefined;
    const until = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const sent: string[] = [];
    const sentAt = await sendSteadily({
      bodies: bodies(20),
      perSecond: 10,
      count: 2,
      until,
      send: (body) => {
        sent.push(body);
        if (sent.length === 5) finish();
      },
      clock,
    });

    expect(sent).toEqual(['event-0', 'event-1', 'event-2', 'event-3', 'event-4']);
    expect(sentAt).toEqual([1000, 1100, 1200, 1300, 1400]);
  });

  it('fails rather than let the queue run dry while the other sender is still going', async () => {
    await expect(
      sendSteadily({
        bodies: bodies(3),
        perSecond: 10,
        count: 2,
        until: new Promise(() => undefined),
        send: () => undefined,
        clock: fakeClock(),
      }),
    ).rejects.toThrow('ran out of events after 3');
  });
});
