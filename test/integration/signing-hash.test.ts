/**
 * The SHA-256 the worker's SDK clients sign with: the same digests as node:crypto, and requests signed exactly as
 * the SDK's default hash signs them.
 */
import { createHash, createHmac, KeyObject } from 'node:crypto';
import { DataZoneClient, GetAssetCommand } from '@aws-sdk/client-datazone';
import type { FinalizeHandler, FinalizeHandlerArguments, MetadataBearer } from '@smithy/types';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDataZoneClient } from '../../src/datazone/client.js';
import { createSqsClient } from '../../src/queues/sqs.js';
import { hmacKey, SigningSha256 } from '../../src/runtime/signing-hash.js';
import { type CannedDataZone, startCannedDataZone } from '../support/canned-datazone.js';

const TEXT = 'GET\n/v2/domains/dzd_1/assets/a1\n\nhost:localhost';
const SIGNING_KEY = Uint8Array.from({ length: 32 }, (_, index) => index * 7);

async function hex(hash: SigningSha256): Promise<string> {
  return Buffer.from(await hash.digest()).toString('hex');
}

function digestOf(
  secret: ConstructorParameters<typeof SigningSha256>[0],
  ...parts: Parameters<SigningSha256['update']>[]
) {
  const hash = new SigningSha256(secret);
  for (const part of parts) hash.update(...part);
  return hex(hash);
}

describe('SigningSha256', () => {
  it('hashes strings, encoded strings, byte views at an offset and array buffers as node:crypto does', async () => {
    const bytes = Buffer.from(`xx${TEXT}yy`);
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset + 2, bytes.length - 4);
    const expected = createHash('sha256').update(TEXT).digest('hex');
    expect(await digestOf(undefined, [TEXT])).toBe(expected);
    expect(await digestOf(undefined, [view])).toBe(expected);
    expect(await digestOf(undefined, [Uint8Array.from(view).buffer])).toBe(expected);
    expect(await digestOf(undefined, ['é', 'latin1'])).toBe(
      createHash('sha256').update(Buffer.from('é', 'latin1')).digest('hex'),
    );
  });

  it('hashes a DataView as the bytes it views', async () => {
    const bytes = Buffer.from(`xx${TEXT}yy`);
    const view = new DataView(bytes.buffer, bytes.byteOffset + 2, bytes.length - 4);
    expect(await digestOf(undefined, [view])).toBe(createHash('sha256').update(TEXT).digest('hex'));
  });

  it('makes a byte key a KeyObject once, and leaves a string key as it is', () => {
    const key = hmacKey(SIGNING_KEY);
    expect(key).toBeInstanceOf(KeyObject);
    expect((key as KeyObject).export()).toEqual(Buffer.from(SIGNING_KEY));
    expect(hmacKey(SIGNING_KEY)).toBe(key);
    expect(hmacKey(new Uint8Array(SIGNING_KEY))).not.toBe(key);
    expect(hmacKey('AWS4secret')).toBe('AWS4secret');
  });

  it('is an HMAC under a string or byte key, the same each time a key is used again', async () => {
    const underBytes = createHmac('sha256', Buffer.from(SIGNING_KEY)).update(TEXT).digest('hex');
    expect(await digestOf(SIGNING_KEY, [TEXT])).toBe(underBytes);
    expect(await digestOf(SIGNING_KEY, [TEXT])).toBe(underBytes);
    expect(await digestOf(new Uint8Array(SIGNING_KEY), ['other'])).toBe(
      createHmac('sha256', Buffer.from(SIGNING_KEY)).update('other').digest('hex'),
    );
    expect(await digestOf('AWS4secret', [TEXT])).toBe(
      createHmac('sha256', 'AWS4secret').update(TEXT).digest('hex'),
    );
  });

  it('is a plain hash under an empty key, as the SDK reads one', async () => {
    expect(await digestOf('', [TEXT])).toBe(createHash('sha256').update(TEXT).digest('hex'));
  });

  it('starts over after reset', async () => {
    const hash = new SigningSha256(SIGNING_KEY);
    hash.update('discarded');
    hash.reset();
    hash.update(TEXT);
    expect(await hex(hash)).toBe(createHmac('sha256', Buffer.from(SIGNING_KEY)).update(TEXT).digest('hex'));
  });
});

/** The one signed header that differs from call to call (a random id per attempt), made the same for each call. */
function withFixedInvocationId(client: DataZoneClient): DataZoneClient {
  client.middlewareStack.addRelativeTo(
    (next: FinalizeHandler<object, MetadataBearer>) => (args: FinalizeHandlerArguments<object>) => {
      (args.request as { headers: Record<string, string> }).headers['amz-sdk-invocation-id'] = 'fixed';
      return next(args);
    },
    { relation: 'before', toMiddleware: 'httpSigningMiddleware' },
  );
  return client;
}

describe('the clients that sign with it', () => {
  let endpoint: CannedDataZone;
  beforeAll(async () => {
    endpoint = await startCannedDataZone();
  });
  afterAll(() => endpoint.close());
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
  });

  it('are the worker’s DataZone and SQS clients', () => {
    expect(createDataZoneClient(5000).config.sha256).toBe(SigningSha256);
    expect(createSqsClient(5000).config.sha256).toBe(SigningSha256);
  });

  it('sign a request exactly as the SDK’s default hash does', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_DATAZONE', endpoint.url);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY');
    vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-30T12:00:00Z') });
    endpoint.answerWith(() => ({ body: { id: 'a1' } }));
    for (const client of [new DataZoneClient({ sha256: SigningSha256 }), new DataZoneClient({})]) {
      await withFixedInvocationId(client).send(
        new GetAssetCommand({ domainIdentifier: 'dzd_1', identifier: 'a1' }),
      );
    }
    const [signingSha256, sdkDefault] = endpoint.requests.map((request) => request.headers.authorization);
    expect(signingSha256).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261130\/eu-west-1\/datazone\/aws4_request/,
    );
    expect(signingSha256).toBe(sdkDefault);
  });
});
