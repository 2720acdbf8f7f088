/** The local DataZone and SQS endpoints, in the benchmark's own (parent) process, and the worker's env for them. */
import type { Catalog } from '../tools/local/datazone/catalog.js';
import { startLocalDataZone } from '../tools/local/datazone/server.js';
import type { DataZoneFaults, LocalDataZone } from '../tools/local/datazone/types.js';
import { lambdaRuntimeEnv } from '../tools/local/runner/worker-environment.js';
import { startLocalSqs } from '../tools/local/sqs/server.js';
import type { LocalSqs } from '../tools/local/sqs/types.js';
import { DEAD_LETTER_QUEUE, FUNCTION_NAME, REGION, SOURCE_QUEUE } from './fixtures.js';

export interface Endpoints {
  readonly datazone: LocalDataZone;
  readonly sqs: LocalSqs;
  /** SDK endpoints and DEAD_LETTER_QUEUE_URL: what both the worker and the baselines get. */
  readonly env: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

export async function startEndpoints(catalog: Catalog, faults: DataZoneFaults = {}): Promise<Endpoints> {
  // Runs never complete: a run per revision, none collides with another, and nothing changes over time.
  const datazone = await startLocalDataZone({
    catalog,
    seed: 1,
    faults,
    lifecycle: { completeAfterMs: 'never' },
  });
  const sqs = await startLocalSqs({
    queues: {
      [DEAD_LETTER_QUEUE]: {},
      [SOURCE_QUEUE]: {
        visibilityTimeoutSeconds: 360,
        redrive: { deadLetterQueue: DEAD_LETTER_QUEUE, maxReceiveCount: 8 },
      },
    },
  });
  return {
    datazone,
    sqs,
    env: {
      AWS_ENDPOINT_URL_DATAZONE: datazone.url,
      AWS_ENDPOINT_URL_SQS: sqs.url,
      DEAD_LETTER_QUEUE_URL: sqs.awsStyleQueueUrl(DEAD_LETTER_QUEUE),
    },
    close: async () => {
      await Promise.all([datazone.close(), sqs.close()]);
    },
  };
}

/**
 * The worker's environment in the handler benchmarks, beyond the endpoints: what the Lambda runtime sets
 * (Powertools reads it), the deployed defaults with logs at INFO, and the given throughput settings.
 */
export function workerEnv(settings: {
  readonly recordConcurrency: number;
  readonly requestsPerSecond: number;
  readonly burst: number;
}): Record<string, string> {
  return {
    ...lambdaRuntimeEnv(FUNCTION_NAME, REGION),
    RECORD_CONCURRENCY: String(settings.recordConcurrency),
    DATAZONE_REQUESTS_PER_SECOND: String(settings.requestsPerSecond),
    DATAZONE_BURST: String(settings.burst),
    POWERTOOLS_SERVICE_NAME: 'datazone-metagen-worker-bench',
    POWERTOOLS_METRICS_NAMESPACE: 'DataZoneMetagenWorker',
    POWERTOOLS_LOG_LEVEL: 'INFO',
  };
}
