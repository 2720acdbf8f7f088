/** A batch's records are awaited until the deadline's abort and a short grace, then the ones left are cut off. */
import { describe, expect, it } from 'vitest';
import type { Deadline } from '../../src/core/ports.js';
import { settleBeforeDeadline } from '../../src/intake/settle.js';

/** A deadline the test aborts itself, at the moment it chooses. */
function deadlineFake() {
  const controller = new AbortController();
  const deadline: Deadline = {
    at: Number.MAX_SAFE_INTEGER,
    signal: controller.signal,
    finalSignal: new AbortController().signal,
    expired: () => controller.signal.aborted,
  };
  return { deadline, expire: () => controller.abort() };
}

const never = <T>() => new Promise<T>(() => undefined);
const resolvesAfter = <T>(ms: number, value: T) =>
  new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
const cutOff = (item: string) => `${item}: cut off`;

describe('settleBeforeDeadline', () => {
  it('gives every result in item order when all finish before the deadline, whatever order they finish in', async () => {
    const { deadline } = deadlineFake();
    const results = await settleBeforeDeadline(
      [resolvesAfter(30, 'a: done'), Promise.resolve('b: done'), resolvesAfter(10, 'c: done')],
      ['a', 'b', 'c'],
      deadline,
      new Set(),
      cutOff,
    );
    expect(results).toEqual(['a: done', 'b: done', 'c: done']);
  });

  it('returns as soon as every task is done, without waiting for the deadline', async () => {
    const { deadline } = deadlineFake();
    const started = Date.now();
    expect(
      await settleBeforeDeadline([Promise.resolve('a: done')], ['a'], deadline, new Set(), cutOff),
    ).toEqual(['a: done']);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('cuts off the records still running once the deadline has passed, keeping those that finished', async () => {
    const { deadline, expire } = deadlineFake();
    const settled = settleBeforeDeadline(
      [Promise.resolve('a: done'), never<string>()],
      ['a', 'b'],
      deadline,
      new Set(),
      cutOff,
    );
    setTimeout(expire, 10);
    expect(await settled).toEqual(['a: done', 'b: cut off']);
  });

  it('lets a record that reacts to the abort finish within the grace, instead of cutting it off', async () => {
    const { deadline, expire } = deadlineFake();
    const aborted = new Promise<string>((resolve) =>
      deadline.signal.addEventListener('abort', () => setTimeout(() => resolve('a: aborted in time'), 5)),
    );
    const settled = settleBeforeDeadline([aborted], ['a'], deadline, new Set(), cutOff);
    expire();
    expect(await settled).toEqual(['a: aborted in time']);
  });

  it('cuts off at once, after the grace, when the deadline had already passed before the call', async () => {
    const { deadline, expire } = deadlineFake();
    expire();
    const started = Date.now();
    expect(await settleBeforeDeadline([never<string>()], ['a'], deadline, new Set(), cutOff)).toEqual([
      'a: cut off',
    ]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('waits past the deadline for the records that must finish, and only for those', async () => {
    const { deadline, expire } = deadlineFake();
    expire();
    const results = await settleBeforeDeadline(
      [resolvesAfter(200, 'a: dead-lettered'), never<string>(), resolvesAfter(400, 'c: done late')],
      ['a', 'b', 'c'],
      deadline,
      new Set(['a']),
      cutOff,
    );
    expect(results).toEqual(['a: dead-lettered', 'b: cut off', 'c: cut off']);
  });
});
