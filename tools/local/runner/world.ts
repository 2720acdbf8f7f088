// The local world a run can use: the DataZone and SQS stand-ins in this process, on one virtual clock.
import type { Catalog } from '../datazone/catalog.js';
import { startLocalDataZone } from '../datazone/server.js';
import type { ConflictScope, DataZoneFaults, LocalDataZone, RunLifecycle } from '../datazone/types.js';
import { startLocalSqs } from '../sqs/server.js';
import type { LocalSqs } from '../sqs/types.js';
import { type VirtualTime, virtualTime } from './virtual-time.js';

export interface LocalWorldOptions {
  /** Seeds the DataZone endpoint's random faults and run ids. Default 1. */
  readonly seed?: number;
  readonly dataZoneFaults?: DataZoneFaults;
  readonly lifecycle?: RunLifecycle;
  /** What a new run collides with at DataZone: a run in progress of the same revision (default), of the asset, or
   * of the same revision sharing a type with it. */
  readonly conflictScope?: ConflictScope;
  /** The source queue's redrive policy. Default 5 (AWS's recommended minimum). */
  readonly maxReceiveCount?: number;
  /** The source queue's visibility timeout. Default 180 s: six times the default function timeout. */
  readonly visibilityTimeoutSeconds?: number;
  readonly catalog?: Catalog | string | URL;
  readonly sourceQueue?: string;
  readonly deadLetterQueue?: string;
}

/** Local DataZone and SQS in this process, on one virtual clock. */
export interface LocalWorld {
  readonly kind: 'local';
  readonly time: VirtualTime;
  readonly dataZone: LocalDataZone;
  readonly sqs: LocalSqs;
  readonly sourceQueue: string;
  readonly deadLetterQueue: string;
  readonly maxReceiveCount: number;
  /** Receive count at which each message was last settled by an invocation (for virtual time). */
  readonly settled: Map<string, number>;
  close(): Promise<void>;
}

export async function startLocalWorld(options: LocalWorldOptions = {}): Promise<LocalWorld> {
  const time = virtualTime();
  const sourceQueue = options.sourceQueue ?? 'datazone-metagen-worker-local-source';
  const deadLetterQueue = options.deadLetterQueue ?? 'datazone-metagen-worker-local-dlq';
  const maxReceiveCount = options.maxReceiveCount ?? 5;
  const dataZone = await startLocalDataZone({
    now: time.now,
    seed: options.seed ?? 1,
    ...(options.catalog === undefined ? {} : { catalog: options.catalog }),
    ...(options.lifecycle === undefined ? {} : { lifecycle: options.lifecycle }),
    ...(options.conflictScope === undefined ? {} : { conflictScope: options.conflictScope }),
    ...(options.dataZoneFaults === undefined ? {} : { faults: options.dataZoneFaults }),
  });
  let sqs: LocalSqs;
  try {
    sqs = await startLocalSqs({
      now: time.now,
      queues: {
        [deadLetterQueue]: { messageRetentionSeconds: 1_209_600 },
        [sourceQueue]: {
          visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 180,
          redrive: { deadLetterQueue, maxReceiveCount },
        },
      },
    });
  } catch (error) {
    await dataZone.close();
    throw error;
  }
  return {
    kind: 'local',
    time,
    dataZone,
    sqs,
    sourceQueue,
    deadLetterQueue,
    maxReceiveCount,
    settled: new Map(),
    close: async () => {
      await Promise.all([dataZone.close(), sqs.close()]);
    },
  };
}
