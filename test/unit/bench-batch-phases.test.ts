import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { batchPhaseRecorder, medianPhases, phasesOf } from '../../bench/batch-phases.js';

describe('bench batch phases', () => {
  it('places the first and last request and answer of a batch, and its end, from the batch start', () => {
    expect(phasesOf(100, 163, [104.5, 103.25, 103.75], [158, 156.125, 161.5])).toEqual({
      firstRequestMs: 3.25,
      lastRequestMs: 4.5,
      firstAnswerMs: 56.125,
      lastAnswerMs: 61.5,
      endMs: 63,
    });
  });

  it('has no request or answer phase for a batch that made no request', () => {
    const phases = phasesOf(0, 2, [], []);
    expect(phases.firstRequestMs).toBeNaN();
    expect(phases.lastAnswerMs).toBeNaN();
    expect(phases.endMs).toBe(2);
  });

  it('takes the median of each phase on its own', () => {
    const batch = (at: number) => ({
      firstRequestMs: at,
      lastRequestMs: at + 1,
      firstAnswerMs: 50 + at,
      lastAnswerMs: 55 - at,
      endMs: 60 + at,
    });
    expect(medianPhases([batch(1), batch(3), batch(2)])).toEqual(batch(2));
  });

  it('sees the requests a batch sends and the answers it reads, on its own clock', async () => {
    const server = createServer((_, response) => setTimeout(() => response.end('ok'), 20));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const get = () =>
      new Promise<void>((resolve, reject) => {
        request({ port, host: '127.0.0.1' }, (response) => {
          response.resume();
          response.on('end', resolve);
        })
          .on('error', reject)
          .end();
      });
    try {
      const measure = batchPhaseRecorder();
      const phases = await measure(() => Promise.all([get(), get()]));
      expect(phases.firstRequestMs).toBeGreaterThanOrEqual(0);
      expect(phases.lastRequestMs).toBeGreaterThanOrEqual(phases.firstRequestMs);
      expect(phases.firstAnswerMs - phases.lastRequestMs).toBeGreaterThanOrEqual(15);
      expect(phases.lastAnswerMs).toBeGreaterThanOrEqual(phases.firstAnswerMs);
      expect(phases.endMs).toBeGreaterThanOrEqual(phases.lastAnswerMs);
      // The next batch starts from nothing.
      const empty = await measure(async () => undefined);
      expect(empty.firstRequestMs).toBeNaN();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
