/** The per-attempt request timeouts end a call that the service does not answer in time (issue #9). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetAssetCommand } from '@aws-sdk/client-datazone';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDataZoneClient } from '../../src/datazone/client.js';
import { kindOf } from '../../src/datazone/errors.js';
import { createSqsClient } from '../../src/queues/sqs.js';
import { unpaced } from '../support/call-scope.js';

const SLOW_ANSWER_MS = 3000;
const TIMEOUT_MS = 300;

/** An endpoint that answers every request correctly, but only after SLOW_ANSWER_MS. */
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    const timer = setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    }, SLOW_ANSWER_MS);
    response.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});
afterEach(() => vi.unstubAllEnvs());

function stubAwsEnvironment() {
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
  vi.stubEnv('AWS_ENDPOINT_URL_DATAZONE', url);
  vi.stubEnv('AWS_ENDPOINT_URL_SQS', url);
}

async function timed(call: () => Promise<unknown>): Promise<{ error: unknown; elapsedMs: number }> {
  const started = Date.now();
  try {
    await call();
    return { error: undefined, elapsedMs: Date.now() - started };
  } catch (error) {
    return { error, elapsedMs: Date.now() - started };
  }
}

describe('request timeouts', () => {
  it('cuts a DataZone call at its timeout, as a transient failure', async () => {
    stubAwsEnvironment();
    const client = createDataZoneClient(TIMEOUT_MS);
    const { error, elapsedMs } = await timed(() =>
      unpaced(() => client.send(new GetAssetCommand({ domainIdentifier: 'dzd_abc', identifier: 'asset1' }))),
    );
    expect(elapsedMs).toBeLessThan(SLOW_ANSWER_MS / 2);
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(kindOf(error, 'GetAsset')).toBe('transient');
  });

  it('cuts an SQS call at its timeout', async () => {
    stubAwsEnvironment();
    const client = createSqsClient(TIMEOUT_MS);
    const { error, elapsedMs } = await timed(() =>
      client.send(new SendMessageCommand({ QueueUrl: `${url}/111111111111/dlq`, MessageBody: 'b' })),
    );
    expect(elapsedMs).toBeLessThan(SLOW_ANSWER_MS / 2);
    expect(error).toMatchObject({ name: 'TimeoutError' });
  });
});
