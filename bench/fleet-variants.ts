/**
 * How a fleet benchmark's container gets its handler: the one place where a convergence study puts the worker
 * together differently. The default is the deployed worker, imported as Lambda would; the study's variants compose
 * it with `composeWorker` (src/functions/worker-composition.ts) from `loadConfig(env)`, as worker.ts does, with
 * another rate law or another DataZone client.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DataZoneClient } from '@aws-sdk/client-datazone';
import { AdaptiveRetryStrategy, DEFAULT_MAX_ATTEMPTS } from '@smithy/core/retry';
import type { RateAdaptation } from '../src/datazone/adaptive-rate.js';
import { createDataZoneClient } from '../src/datazone/client.js';
import { composeWorker, type WorkerRuntime } from '../src/functions/worker-composition.js';
import { loadConfig, type WorkerConfig } from '../src/runtime/config.js';
import type { LambdaHandler } from '../tools/local/runner/lambda-invocation.js';
import { importHandler } from '../tools/local/runner/worker-environment.js';
import { fixedRate, rateVariant } from './rate-variants.js';

const FLEET_VARIANTS = ['default', 'no-client-limit', 'sdk-adaptive', 'before', 'aimd-half'] as const;
export type FleetVariant = (typeof FLEET_VARIANTS)[number];

/** The convergence study's variants of the worker in the real fleet (fleet.ts runs them next to the default). */
export const STUDY_VARIANTS = [
  'sdk-adaptive',
  'before',
  'aimd-half',
] as const satisfies readonly FleetVariant[];
export type StudyVariant = (typeof STUDY_VARIANTS)[number];

/**
 * A rate no DataZone quota reaches: the client-side bucket never makes a call wait, so only the answers (the
 * worker's reaction to throttles and the SDK's standard retries) pace the container.
 */
const UNLIMITED_REQUESTS_PER_SECOND = '10000';

export function isFleetVariant(value: string): value is FleetVariant {
  return (FLEET_VARIANTS as readonly string[]).includes(value);
}

/**
 * One container's handler for `variant`, its environment already holding the worker's settings.
 * - `default`: the worker's module, imported as Lambda does (tools/local/runner/worker-environment.ts).
 * - `no-client-limit`: the same with DATAZONE_REQUESTS_PER_SECOND far above any quota.
 * - `sdk-adaptive`: the SDK's adaptive retry mode paces alone: a DataZone client in that mode, the worker's
 *   buckets at a rate no quota reaches and never adapted (the batch breaker and the hand-backs stay).
 * - `before`, `aimd-half`: the worker with that rate law (bench/rate-variants.ts) instead of its own.
 */
export function loadVariantHandler(
  variant: FleetVariant,
  env: Readonly<Record<string, string>>,
  container: number,
): Promise<LambdaHandler> {
  switch (variant) {
    case 'default':
      return importHandler(env, container);
    case 'no-client-limit':
      return importHandler(
        { ...env, DATAZONE_REQUESTS_PER_SECOND: UNLIMITED_REQUESTS_PER_SECOND },
        container,
      );
    case 'sdk-adaptive':
      return Promise.resolve(
        composedHandler(
          { ...env, DATAZONE_REQUESTS_PER_SECOND: UNLIMITED_REQUESTS_PER_SECOND },
          (config) => ({
            adaptation: fixedRate,
            datazoneClient: adaptiveClient(config.datazoneRequestTimeoutMs),
          }),
        ),
      );
    case 'before':
    case 'aimd-half':
      return Promise.resolve(
        composedHandler(env, () => ({
          adaptation: (rate: number): RateAdaptation => rateVariant(variant, rate),
        })),
      );
  }
}

type Study = Pick<WorkerRuntime, 'adaptation' | 'datazoneClient'>;

/**
 * As worker.ts: the container's settings added to the process environment (which holds the endpoints and the
 * queues; the SDK clients read it too), the configuration loaded from it, then the composition.
 */
function composedHandler(
  env: Readonly<Record<string, string>>,
  study: (config: WorkerConfig) => Study,
): LambdaHandler {
  Object.assign(process.env, env);
  const config = loadConfig(process.env);
  return composeWorker(config, {
    clock: Date.now,
    random: Math.random,
    logger: new Logger({ serviceName: config.serviceName }),
    metrics: new Metrics({ namespace: config.metricsNamespace, serviceName: config.serviceName }),
    ...study(config),
  });
}

/**
 * createDataZoneClient's client (src/datazone/client.ts) with the SDK's adaptive retry mode, which waits its own
 * backoff: the worker's backoff between attempts is zero (its jitter source always draws 0).
 */
function adaptiveClient(requestTimeoutMs: number): DataZoneClient {
  return createDataZoneClient(requestTimeoutMs, () => 0, {
    retryStrategy: new AdaptiveRetryStrategy(async () => DEFAULT_MAX_ATTEMPTS),
  });
}
