/**
 * An HTTP endpoint that answers DataZone requests with whatever a test hands it, and records what arrived: for the
 * adapter's handling of answers the local DataZone never gives (missing fields, endless pages, odd timestamps).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { vi } from 'vitest';
import { createDataZoneClient } from '../../src/datazone/client.js';
import { oneBucketForAll, RequestBudget } from '../../src/datazone/request-budget.js';
import { TokenBucket } from '../../src/datazone/token-bucket.js';
import { InvocationDeadline } from '../../src/runtime/deadline.js';

export interface ArrivedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: Record<string, unknown> | undefined;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Epoch milliseconds. */
  readonly receivedAt: number;
}

interface CannedAnswer {
  readonly status?: number;
  /** The error's name, sent as the SDK reads it (x-amzn-ErrorType). */
  readonly errorType?: string;
  readonly body: Record<string, unknown>;
  /** How long the endpoint waits before it answers. */
  readonly delayMs?: number;
  /** More response headers (a throttle's Retry-After, say). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface CannedDataZone {
  readonly url: string;
  readonly requests: ArrivedRequest[];
  /** Answers every request from now on; by default `{}` with 200. */
  answerWith(answer: (request: ArrivedRequest) => CannedAnswer): void;
  close(): Promise<void>;
}

export async function startCannedDataZone(): Promise<CannedDataZone> {
  const requests: ArrivedRequest[] = [];
  let answer: (request: ArrivedRequest) => CannedAnswer = () => ({ body: {} });
  const server: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', 'http://localhost');
      const text = Buffer.concat(chunks).toString('utf8');
      const request: ArrivedRequest = {
        method: incoming.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>),
        headers: incoming.headers,
        receivedAt: Date.now(),
      };
      requests.push(request);
      const { status = 200, errorType, body, delayMs = 0, headers = {} } = answer(request);
      const timer = setTimeout(() => {
        response.writeHead(status, {
          'content-type': 'application/json',
          ...(errorType === undefined ? {} : { 'x-amzn-errortype': errorType }),
          ...headers,
        });
        response.end(JSON.stringify(body));
      }, delayMs);
      response.on('close', () => clearTimeout(timer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    answerWith: (next) => {
      answer = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface AdapterOptions {
  readonly remainingMs?: number;
  /** AWS_MAX_ATTEMPTS: 1 (no SDK retry) unless a test is about retries. */
  readonly maxAttempts?: number;
  /** One bucket for every operation; generous unless a test is about pacing. */
  readonly ratePerSecond?: number;
  readonly burst?: number;
  /** The jitter of the SDK's retry delays. */
  readonly random?: () => number;
}

/** The adapter's pieces as the worker builds them, pointed at the canned endpoint. */
export function adapterParts(
  endpoint: CannedDataZone,
  { remainingMs = 30_000, maxAttempts = 1, ratePerSecond = 1000, burst = 50, random }: AdapterOptions = {},
) {
  vi.stubEnv('AWS_ENDPOINT_URL_DATAZONE', endpoint.url);
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  vi.stubEnv('AWS_MAX_ATTEMPTS', String(maxAttempts));
  const deadline = new InvocationDeadline();
  deadline.start(remainingMs, 0);
  const budget = new RequestBudget(
    oneBucketForAll(new TokenBucket({ ratePerSecond, burst })),
    deadline,
    Date.now,
  );
  return { client: createDataZoneClient(5000, random), budget, deadline };
}
