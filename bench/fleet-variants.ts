/**
 * How a fleet benchmark's container gets its handler: the one place where a convergence study puts the worker
 * together differently. The default is the deployed worker, imported as Lambda would.
 */
import type { LambdaHandler } from '../tools/local/runner/lambda-invocation.js';
import { importHandler } from '../tools/local/runner/worker-environment.js';

const FLEET_VARIANTS = ['default', 'no-client-limit'] as const;
export type FleetVariant = (typeof FLEET_VARIANTS)[number];

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
 * A variant that changes how the worker adapts its rate composes it here with `composeWorker`
 * (src/functions/worker-composition.ts) from `loadConfig(env)` and its own runtime, as worker.ts does. (The SDK's
 * adaptive retry mode is such a variant: createDataZoneClient pins the standard mode, so it needs a way in there.)
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
  }
}
