/**
 * How the worker's SDK clients read an answer's body: the bytes the SDK's own collector reads, the answers of one
 * turn handed over together, a failure where the body fails or is cut, and the SDK's collector for bodies that are
 * not Node streams.
 */
import { readFile } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { DataZoneClient, GetAssetCommand } from '@aws-sdk/client-datazone';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDataZoneClient } from '../../src/datazone/client.js';
import { createSqsClient } from '../../src/queues/sqs.js';
import { BodyClosedEarlyError, collectBody } from '../../src/runtime/body-collector.js';
import { unpaced } from '../support/call-scope.js';
import { type CannedDataZone, startCannedDataZone } from '../support/canned-datazone.js';

const HELLO = Buffer.from('{"id":"a1","name":"héllo"}');
const PARTS = [HELLO.subarray(0, 7), HELLO.subarray(7, 8), HELLO.subarray(8)];

describe('collectBody', () => {
  it('reads a body that comes in several chunks into its bytes, in order', async () => {
    expect(Buffer.from(await collectBody(Readable.from(PARTS)))).toEqual(HELLO);
  });

  it('reads an empty body as no bytes', async () => {
    expect(await collectBody(Readable.from([]))).toHaveLength(0);
  });

  it('hands over the bodies that end in one turn of the event loop together, in the order they ended', async () => {
    const first = new Readable({ read() {} });
    const second = new Readable({ read() {} });
    const seen: string[] = [];
    const both = Promise.all([
      collectBody(first).then(async () => {
        // A few steps of the first answer's chain: the second's runs beside it, not after it.
        for (let step = 0; step < 5; step++) await Promise.resolve();
        seen.push('first');
      }),
      collectBody(second).then(() => seen.push('second')),
    ]);
    // Two callbacks of one turn, as two sockets' answers read in one turn.
    setImmediate(() => first.push(null));
    setImmediate(() => second.push(null));
    await both;
    expect(seen).toEqual(['second', 'first']);
  });

  it('hands over a body that ended while the event loop polled in that same turn, before the next turn’s timers', async () => {
    const body = new Readable({ read() {} });
    const order: string[] = [];
    const handedOver = collectBody(body).then(() => order.push('handed over'));
    await new Promise<void>((resolve) =>
      // An fs callback runs in the poll phase, as an answer read from a socket does.
      readFile(import.meta.filename, () => {
        body.push(null);
        setTimeout(() => {
          order.push('next turn’s timers');
          resolve();
        }, 0);
      }),
    );
    await handedOver;
    expect(order).toEqual(['handed over', 'next turn’s timers']);
  });

  it('hands bodies over while a test’s fake timers are installed', async () => {
    vi.useFakeTimers();
    try {
      expect(Buffer.from(await collectBody(Readable.from(PARTS)))).toEqual(HELLO);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps a complete body’s bytes when an error follows its end before the hand-over', async () => {
    const body = new Readable({ read() {} });
    body.push(HELLO);
    body.push(null);
    body.once('end', () => body.emit('error', new Error('socket torn down after the last byte')));
    expect(Buffer.from(await collectBody(body))).toEqual(HELLO);
  });

  it('fails with the body’s own error', async () => {
    const cut = new Error('socket hang up');
    const body = new Readable({ read() {} });
    body.push(PARTS[0]);
    setImmediate(() => body.destroy(cut));
    await expect(collectBody(body)).rejects.toBe(cut);
  });

  it('fails when the body is closed before its end without an error', async () => {
    const body = new Readable({ read() {} });
    body.push(PARTS[0]);
    setImmediate(() => body.destroy());
    const closedEarly = collectBody(body);
    await expect(closedEarly).rejects.toBeInstanceOf(BodyClosedEarlyError);
    await expect(closedEarly).rejects.toMatchObject({
      name: 'BodyClosedEarlyError',
      message: 'the answer’s body was closed before its end',
    });
  });

  it('leaves a web stream and a Blob to the SDK’s collector, which reads their bytes', async () => {
    const web = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of PARTS) controller.enqueue(new Uint8Array(part));
        controller.close();
      },
    });
    expect(Buffer.from(await collectBody(web))).toEqual(HELLO);
    expect(Buffer.from(await collectBody(new Blob([HELLO])))).toEqual(HELLO);
  });
});

describe('the worker’s clients', () => {
  let endpoint: CannedDataZone;
  let cutting: Server;
  let cuttingUrl: string;
  beforeAll(async () => {
    endpoint = await startCannedDataZone();
    // Announces a longer body than it sends, then closes the connection.
    cutting = createServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      response.write('{"id":"a1",');
      setTimeout(() => response.socket?.destroy(), 10);
    });
    await new Promise<void>((resolve) => cutting.listen(0, '127.0.0.1', resolve));
    cuttingUrl = `http://127.0.0.1:${(cutting.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await endpoint.close();
    await new Promise((resolve) => cutting.close(resolve));
  });
  afterEach(() => vi.unstubAllEnvs());

  function stubCredentials(url: string): void {
    vi.stubEnv('AWS_ENDPOINT_URL_DATAZONE', url);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
  }

  it('read bodies with it', () => {
    expect(createDataZoneClient(5000).config.streamCollector).toBe(collectBody);
    expect(createSqsClient(5000).config.streamCollector).toBe(collectBody);
  });

  it('read a large answer as the SDK’s default collector does', async () => {
    stubCredentials(endpoint.url);
    const description = 'Ünïcode and more. '.repeat(20_000);
    endpoint.answerWith(() => ({
      body: { id: 'a1', name: 'orders', description, revision: '3', createdAt: 1796040000 },
    }));
    const command = () => new GetAssetCommand({ domainIdentifier: 'dzd_1', identifier: 'a1' });
    const worker = await unpaced(() => createDataZoneClient(5000).send(command()));
    const sdkDefault = await new DataZoneClient({}).send(command());
    expect(worker.description).toBe(description);
    expect({ ...worker, $metadata: undefined }).toEqual({ ...sdkDefault, $metadata: undefined });
  });

  it('fail a call whose answer is cut before its end, as the SDK’s default collector does', async () => {
    stubCredentials(cuttingUrl);
    await expect(
      unpaced(() =>
        createDataZoneClient(60_000).send(
          new GetAssetCommand({ domainIdentifier: 'dzd_1', identifier: 'a1' }),
        ),
      ),
    ).rejects.toMatchObject({ code: 'ECONNRESET', message: expect.stringMatching(/^aborted/) });
  });
});
