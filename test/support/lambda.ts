/**
 * Helpers for invoking the handler: the real module under a chosen environment (loadHandler), Lambda contexts,
 * SDK-shaped errors, the sample events and what Powertools writes.
 */
import { readFileSync } from 'node:fs';
import type { Context, SQSEvent } from 'aws-lambda';
import { vi } from 'vitest';

export const DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/111111111111/datazone-metagen-worker-prod-dlq';
export const SOURCE_QUEUE_URL =
  'https://sqs.eu-west-1.amazonaws.com/111111111111/datazone-metagen-worker-prod-source';

export type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** Imports a fresh copy of src/functions/worker.ts (cold start) with the given environment. */
export async function loadHandler(env: Record<string, string> = {}): Promise<Handler> {
  vi.resetModules();
  vi.unstubAllEnvs();
  const base: Record<string, string> = {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    DEAD_LETTER_QUEUE_URL: DLQ_URL,
    POWERTOOLS_SERVICE_NAME: 'datazone-metagen-worker',
    POWERTOOLS_METRICS_NAMESPACE: 'DataZoneMetagenWorker',
  };
  for (const [name, value] of Object.entries({ ...base, ...env })) vi.stubEnv(name, value);
  const module = await import('../../src/functions/worker.js');
  return module.handler as unknown as Handler;
}

/** An error shaped like the SDK's service exceptions. */
export function serviceError(name: string, httpStatusCode: number): Error {
  return Object.assign(new Error(`${name} from the test`), {
    name,
    $metadata: { httpStatusCode },
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
  });
}

export function lambdaContext(remainingMs = 30_000): Context {
  const end = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'datazone-metagen-worker-prod-worker',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:datazone-metagen-worker-prod-worker',
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    logGroupName: '/aws/lambda/datazone-metagen-worker-prod-worker',
    logStreamName: '2026/11/25/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => Math.max(0, end - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export function readEvent<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(new URL(`../../events/${path}`, import.meta.url), 'utf8')) as T;
}

export function sqsEvent(path: string): SQSEvent {
  return readEvent<SQSEvent>(path);
}

/** Captures what Powertools writes (JSON log lines, warnings and errors on stderr, EMF metric documents). */
export function captureStdout() {
  const lines: string[] = [];
  const collect = (chunk: string | Uint8Array) => {
    lines.push(
      ...String(chunk)
        .split('\n')
        .filter((line) => line.trim() !== ''),
    );
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(collect),
    vi.spyOn(process.stderr, 'write').mockImplementation(collect),
  ];
  const json = () =>
    lines.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  return {
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
    logs: () => json().filter((entry) => entry._aws === undefined),
    /** Sum of each metric over every EMF document written. */
    metrics: () => {
      const totals: Record<string, number> = {};
      for (const doc of json()) {
        const aws = doc._aws as { CloudWatchMetrics?: { Metrics: { Name: string }[] }[] } | undefined;
        for (const definition of aws?.CloudWatchMetrics ?? []) {
          for (const { Name } of definition.Metrics) {
            const value = doc[Name];
            const values = Array.isArray(value) ? value : [value];
            totals[Name] = (totals[Name] ?? 0) + values.reduce((sum: number, v) => sum + Number(v), 0);
          }
        }
      }
      return totals;
    },
    /** Sum of each metric published with `dimension` as well, by metric name and the dimension's value. */
    metricsBy: (dimension: string) => {
      const totals: Record<string, number> = {};
      for (const doc of json()) {
        const aws = doc._aws as
          | { CloudWatchMetrics?: { Dimensions: string[][]; Metrics: { Name: string }[] }[] }
          | undefined;
        for (const definition of aws?.CloudWatchMetrics ?? []) {
          if (!definition.Dimensions.some((set) => set.includes(dimension))) continue;
          for (const { Name } of definition.Metrics) {
            const key = `${Name} ${String(doc[dimension])}`;
            totals[key] = (totals[key] ?? 0) + Number(doc[Name]);
          }
        }
      }
      return totals;
    },
  };
}
