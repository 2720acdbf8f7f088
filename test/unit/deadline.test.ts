/**
 * An invocation's deadline: the remaining time less the safety margin for new work, and a final signal just
 * before the Lambda timeout for the reporting that runs in the margin. Fake timers drive both the clock and the
 * timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeadlineExceededError } from '../../src/core/errors.js';
import { InvocationDeadline } from '../../src/runtime/deadline.js';

const INVOCATION_START = Date.parse('2026-11-30T10:00:00.000Z');
/** What a 10 s Lambda timeout leaves at the start of an invocation, and the worker's margin. */
const REMAINING_MS = 10_000;
const MARGIN_MS = 3_000;

beforeEach(() => {
  vi.useFakeTimers({ now: INVOCATION_START });
});

afterEach(() => {
  vi.useRealTimers();
});

function abortReason(signal: AbortSignal): unknown {
  return signal.aborted ? signal.reason : 'not aborted';
}

describe('InvocationDeadline', () => {
  it('never expires before an invocation starts it', () => {
    const deadline = new InvocationDeadline();
    vi.advanceTimersByTime(3_600_000);
    expect(deadline.at).toBe(Number.POSITIVE_INFINITY);
    expect(deadline.expired()).toBe(false);
    expect(deadline.signal.aborted).toBe(false);
    expect(deadline.finalSignal.aborted).toBe(false);
  });

  it('stops new work and cancels calls in flight once the remaining time less the margin has passed', () => {
    const deadline = new InvocationDeadline();
    deadline.start(REMAINING_MS, MARGIN_MS);
    expect(deadline.at).toBe(INVOCATION_START + 7_000);
    expect(deadline.remainingMs()).toBe(7_000);

    vi.advanceTimersByTime(6_999);
    expect(deadline.remainingMs()).toBe(1);
    expect(deadline.expired()).toBe(false);
    expect(deadline.signal.aborted).toBe(false);

    vi.advanceTimersByTime(1);
    expect(deadline.remainingMs()).toBe(0);
    expect(deadline.expired()).toBe(true);
    expect(abortReason(deadline.signal)).toEqual(new DeadlineExceededError('invocation deadline reached'));
    expect(abortReason(deadline.signal)).toBeInstanceOf(DeadlineExceededError);
    expect(deadline.finalSignal.aborted).toBe(false);
  });

  it('keeps the final signal for the reporting in the margin until 250 ms before the Lambda timeout', () => {
    const deadline = new InvocationDeadline();
    deadline.start(REMAINING_MS, MARGIN_MS);
    vi.advanceTimersByTime(9_749);
    expect(deadline.finalSignal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(abortReason(deadline.finalSignal)).toEqual(new DeadlineExceededError('Lambda timeout imminent'));
    expect(abortReason(deadline.finalSignal)).toBeInstanceOf(DeadlineExceededError);
  });

  it('leaves no time for new work when the margin exceeds the remaining time', () => {
    const deadline = new InvocationDeadline();
    deadline.start(1_000, MARGIN_MS);
    expect(deadline.at).toBe(INVOCATION_START);
    expect(deadline.expired()).toBe(true);
    vi.advanceTimersByTime(0);
    expect(deadline.signal.aborted).toBe(true);
    // The reporting still has the time up to the Lambda timeout's reserve.
    expect(deadline.finalSignal.aborted).toBe(false);
    vi.advanceTimersByTime(750);
    expect(deadline.finalSignal.aborted).toBe(true);
  });

  it('never aborts the final signal before the deadline, even when the margin is below the reserve', () => {
    const deadline = new InvocationDeadline();
    deadline.start(1_000, 100);
    vi.advanceTimersByTime(899);
    expect(deadline.signal.aborted).toBe(false);
    expect(deadline.finalSignal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.finalSignal.aborted).toBe(true);
  });

  it('aborts nothing once the invocation has finished', () => {
    const deadline = new InvocationDeadline();
    deadline.start(REMAINING_MS, MARGIN_MS);
    deadline.finish();
    vi.advanceTimersByTime(REMAINING_MS);
    expect(deadline.signal.aborted).toBe(false);
    expect(deadline.finalSignal.aborted).toBe(false);
  });

  it('gives the next invocation its own signals, and the previous invocation’s timers no longer fire', () => {
    const deadline = new InvocationDeadline();
    deadline.start(REMAINING_MS, MARGIN_MS);
    const previous = { signal: deadline.signal, finalSignal: deadline.finalSignal };
    vi.advanceTimersByTime(1_000);

    deadline.start(REMAINING_MS, MARGIN_MS);
    expect(deadline.signal).not.toBe(previous.signal);
    expect(deadline.finalSignal).not.toBe(previous.finalSignal);
    expect(deadline.at).toBe(INVOCATION_START + 8_000);
    vi.advanceTimersByTime(REMAINING_MS);
    expect(previous.signal.aborted).toBe(false);
    expect(previous.finalSignal.aborted).toBe(false);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.finalSignal.aborted).toBe(true);
  });

  it('starts the next invocation with signals that are not aborted, after one that ran out', () => {
    const deadline = new InvocationDeadline();
    deadline.start(REMAINING_MS, MARGIN_MS);
    vi.advanceTimersByTime(REMAINING_MS);
    deadline.finish();

    deadline.start(REMAINING_MS, MARGIN_MS);
    expect(deadline.expired()).toBe(false);
    expect(deadline.signal.aborted).toBe(false);
    expect(deadline.finalSignal.aborted).toBe(false);
  });

  it('does not keep the process alive for its timers', () => {
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const deadline = new InvocationDeadline();
    deadline.start(REMAINING_MS, MARGIN_MS);
    const timers = setTimeoutSpy.mock.results.map(({ value }) => value as NodeJS.Timeout);
    expect(timers).toHaveLength(2);
    expect(timers.map((timer) => timer.hasRef())).toEqual([false, false]);
  });

  it('reads the clock it is given', () => {
    let now = 5_000;
    const deadline = new InvocationDeadline(() => now);
    deadline.start(REMAINING_MS, MARGIN_MS);
    expect(deadline.at).toBe(12_000);
    now = 11_999;
    expect(deadline.expired()).toBe(false);
    now = 12_000;
    expect(deadline.expired()).toBe(true);
  });
});
