/**
 * Per-operation DataZone rates from the environment. AWS sets DataZone's quotas per operation, so each operation
 * a container calls has its own rate: `<PREFIX>_<OPERATION>` (the operation's name in SNAKE_CASE, such as
 * DATAZONE_REQUESTS_PER_SECOND_GET_ASSET) when set, otherwise `<PREFIX>` itself, for every operation alike.
 */
import type { Operation } from '../datazone/errors.js';
import DEFAULTS from './defaults.json' with { type: 'json' };
import type { EnvReader } from './env-reader.js';

interface OperationRate {
  /** Requests per second from one container: its token bucket's refill rate, and the highest it adapts to. */
  readonly ratePerSecond: number;
  /** Requests allowed back to back after an idle period. */
  readonly burst: number;
}

export type OperationRates<Op extends Operation> = Readonly<Record<Op, OperationRate>>;

/** The operations a worker's record may call. */
export const WORKER_OPERATIONS = [
  'GetAsset',
  'StartMetadataGenerationRun',
  'ListMetadataGenerationRuns',
  'GetMetadataGenerationRun',
] as const satisfies readonly Operation[];
export type WorkerOperation = (typeof WORKER_OPERATIONS)[number];

/** The operations of a sweep (the reconciler's): a record's, and Search. */
export const SWEEP_OPERATIONS = [...WORKER_OPERATIONS, 'Search'] as const satisfies readonly Operation[];
export type SweepOperation = (typeof SWEEP_OPERATIONS)[number];

const rateVariableOf = (prefix: string, operation: Operation): string =>
  `${prefix}_${operation.replace(/(?<=[a-z])(?=[A-Z])/g, '_').toUpperCase()}`;

export interface RateVariables {
  /** The default rate's variable, and the prefix of the per-operation ones. */
  readonly prefix: string;
  readonly defaultRate: number;
  /** One burst for every operation; absent: each operation's default (burstWindowMs of its rate, at least 1). */
  readonly burstVariable?: string;
  /** A fixed burst instead (no variable). */
  readonly burst?: number;
}

/**
 * DEFAULTS.burstWindowMs (50 ms) of requests at the rate, at least one: enough to bank the pause between two
 * batches (receive, delete, invoke), which a bucket of one token would lose at high rates, and small enough that a
 * fleet's combined burst stays a small fraction of a second of its budget.
 */
function defaultBurst(requestsPerSecond: number): number {
  return Math.max(1, Math.ceil((requestsPerSecond * DEFAULTS.burstWindowMs) / 1000));
}

export function readOperationRates<Op extends Operation>(
  reader: EnvReader,
  operations: readonly Op[],
  variables: RateVariables,
): OperationRates<Op> {
  const fallback = reader.number(variables.prefix, variables.defaultRate, 0.01, 10_000);
  const burst =
    variables.burstVariable === undefined
      ? variables.burst
      : reader.optionalInteger(variables.burstVariable, 1, 10_000);
  const entries = operations.map((operation) => {
    const ratePerSecond = reader.number(rateVariableOf(variables.prefix, operation), fallback, 0.01, 10_000);
    return [operation, { ratePerSecond, burst: burst ?? defaultBurst(ratePerSecond) }] as const;
  });
  return Object.fromEntries(entries) as Record<Op, OperationRate>;
}
