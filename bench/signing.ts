/**
 * The HMAC that signs each request, as the worker's clients compute it (src/runtime/signing-hash.ts) and as the
 * SDK's default hash does: same key (the signer's cached signing key, one Uint8Array), same string to sign.
 * In-process and alternating, the median of the repetitions.
 */
import { DataZoneClient } from '@aws-sdk/client-datazone';
import { createDataZoneClient } from '../src/datazone/client.js';
import { fixed, median } from './stats.js';

type HashConstructor = new (
  secret?: Uint8Array,
) => { update(data: string): void; digest(): Promise<Uint8Array> };

const SIGNING_KEY = Uint8Array.from({ length: 32 }, (_, index) => (index * 37) % 256);
const STRING_TO_SIGN = [
  'AWS4-HMAC-SHA256',
  '20261130T120000Z',
  '20261130/eu-west-1/datazone/aws4_request',
  'f'.repeat(64),
].join('\n');
const SIGNATURES = 20_000;

async function microsPerSignature(Hash: HashConstructor): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < SIGNATURES; i++) {
    const hash = new Hash(SIGNING_KEY);
    hash.update(STRING_TO_SIGN);
    await hash.digest();
  }
  return Number(process.hrtime.bigint() - start) / 1000 / SIGNATURES;
}

export async function signingCost(repetitions: number) {
  const worker = createDataZoneClient(5000).config.sha256 as unknown as HashConstructor;
  const sdkDefault = new DataZoneClient({}).config.sha256 as unknown as HashConstructor;
  await microsPerSignature(worker);
  await microsPerSignature(sdkDefault);
  const runs = { worker: [] as number[], sdkDefault: [] as number[] };
  for (let repetition = 0; repetition < repetitions; repetition++) {
    runs.worker.push(await microsPerSignature(worker));
    runs.sdkDefault.push(await microsPerSignature(sdkDefault));
  }
  const ratio = median(runs.worker) / median(runs.sdkDefault);
  return {
    row: {
      measure: 'diagnostic: HMAC of one request signature (µs), the signer’s cached key',
      worker: fixed(median(runs.worker), 2),
      baseline: `${fixed(median(runs.sdkDefault), 2)} (the SDK’s default hash)`,
      ratio: `${fixed(ratio, 3)}x`,
      target: 'no target',
      pass: undefined,
    },
    detail:
      `Signing: ${SIGNATURES} HMAC-SHA256 digests of a signature's string to sign under one 32-byte key, ` +
      'per repetition and side, in the benchmark process: the worker clients’ `sha256` (src/runtime/signing-hash.ts, ' +
      'the key a KeyObject, made once) against the SDK’s default (`@smithy/core`’s Node hash, the key a buffer, ' +
      'which Node 24 checks by catching two exceptions). µs per signature, worker: ' +
      `${runs.worker.map((value) => fixed(value, 2)).join(', ')}; SDK default: ` +
      `${runs.sdkDefault.map((value) => fixed(value, 2)).join(', ')}.`,
  };
}
