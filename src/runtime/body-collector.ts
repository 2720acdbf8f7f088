/**
 * How the SDK clients read an answer's body into bytes (their `streamCollector` option). The SDK's own collector
 * pipes the body into a new Writable and resolves on its 'finish': per answer a stream object, a pipe's listeners
 * on both sides and more ticks, about a tenth of a record's CPU time (the per-record section of the benchmarks).
 * Reading a Node body's 'data' and 'end' events gives the same bytes; a body that is not a Node stream (a Blob,
 * a web stream) is read by the SDK's collector.
 *
 * The bodies that end in one turn of the event loop are handed over together, in its check phase: their calls then
 * go on side by side (each SDK step and the records' outcomes for all of them in turn, one microtask drain) rather
 * than one after the other, which cuts the CPU of a batch's answers (the throughput section of the benchmarks).
 * A body waits only for the other answers read in the same turn.
 */
import type { Readable } from 'node:stream';
import { streamCollector as sdkCollector } from '@smithy/core/serde';

/** A body that is closed before its end, with no error of its own: its bytes are not all there. */
export class BodyClosedEarlyError extends Error {
  override readonly name = 'BodyClosedEarlyError';
}

function isNodeReadable(body: unknown): body is Readable {
  // The SDK hands over an answer's body only when there is one: never null or undefined.
  return typeof (body as Partial<Readable>).pipe === 'function';
}

/** What the bodies ended in this turn hand over, in the order they ended; empty between turns. */
let endedThisTurn: (() => void)[] = [];

/** Node's own, taken at load: a test's fake timers, installed later, must not hold real sockets' answers. */
const inCheckPhase = setImmediate;

function handOverAtTurnEnd(handOver: () => void): void {
  endedThisTurn.push(handOver);
  if (endedThisTurn.length === 1) inCheckPhase(handOverEnded);
}

function handOverEnded(): void {
  const ended = endedThisTurn;
  endedThisTurn = [];
  for (const handOver of ended) handOver();
}

export function collectBody(body: unknown): Promise<Uint8Array> {
  if (!isNodeReadable(body)) return sdkCollector(body as Parameters<typeof sdkCollector>[0]);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    body.on('data', (chunk: Buffer) => chunks.push(chunk));
    // An error after the end (the socket torn down before the hand-over) takes nothing from complete bytes.
    body.once('error', (error) => {
      if (!body.readableEnded) reject(error);
    });
    body.once('end', () => {
      const bytes = Buffer.concat(chunks);
      handOverAtTurnEnd(() => resolve(bytes));
    });
    // Every body closes, most after their end: the error (its stack trace) is made only for one that did not.
    body.once('close', () => {
      if (!body.readableEnded)
        reject(new BodyClosedEarlyError('the answer’s body was closed before its end'));
    });
  });
}
