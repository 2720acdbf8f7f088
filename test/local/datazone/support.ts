// Shared by the local DataZone tests: the sample catalog's ids, an SDK client for a server, and helpers.
import { DataZoneClient, type StartMetadataGenerationRunCommandInput } from '@aws-sdk/client-datazone';
import { startLocalDataZone } from '../../../tools/local/datazone/server.js';
import type { LocalDataZone, LocalDataZoneOptions } from '../../../tools/local/datazone/types.js';

export const DOMAIN = 'dzd_bc8e1ez8r2a6xz';
export const SALES = '6oy92hwk937pgn';
export const MARKETING = 'b3x7mz1q9w2k4e';
export const ORDERS = 'ayzstznnx4dxyf'; // Glue table, revisions 1–3
export const CUSTOMERS = 'c1u9e5y8b2m6qa'; // Glue table, revision 1
export const ORDER_ITEMS = 'd4r7t1w9k3p5zn'; // Glue table, revisions 1–2
export const CLICKS = 'e8n2v6c4x1q7jm'; // Redshift table (marketing)
export const EXPORTS = 'g2k6p0m4r8t3yc'; // S3 object collection (marketing)
export const RAW_CLICKSTREAM = 'k9t4x8m2h6b1pr'; // Glue table without a structured schema (marketing)

export const clientFor = (server: LocalDataZone, maxAttempts = 1) =>
  new DataZoneClient({
    endpoint: server.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts,
  });

export const startInput = (
  over: Partial<StartMetadataGenerationRunCommandInput> = {},
): StartMetadataGenerationRunCommandInput => ({
  domainIdentifier: DOMAIN,
  owningProjectIdentifier: SALES,
  target: { type: 'ASSET', identifier: ORDERS, revision: '3' },
  types: ['BUSINESS_DESCRIPTIONS'],
  clientToken: `token-${Math.random().toString(36).slice(2)}`,
  ...over,
});

/** Runs `fn`, expecting a service error; returns it for assertions. */
export async function failure(fn: () => Promise<unknown>) {
  try {
    await fn();
  } catch (e) {
    return e as Error & { $metadata?: { httpStatusCode?: number }; code?: string };
  }
  throw new Error('expected the call to fail');
}

export async function withServer<T>(
  options: LocalDataZoneOptions,
  fn: (s: LocalDataZone, c: DataZoneClient) => Promise<T>,
) {
  const server = await startLocalDataZone(options);
  const client = clientFor(server);
  try {
    return await fn(server, client);
  } finally {
    client.destroy();
    await server.close();
  }
}
