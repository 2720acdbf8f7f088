/**
 * A DataZone port for one batch that stops calling the API once a call was throttled or hit the quota: the
 * records that have not reached the API yet are handed back with backoff instead of adding to the overload.
 * Records that need no call (skipped, malformed) are still processed.
 */
import type { AssetFacts, DataZonePort, StartedRun, StartRunRequest } from './adapters/datazone.js';
import { BatchDeferredError, type ClassifiedError, classifyError, tripsBreaker } from './core/outcome.js';

export class BatchBreaker implements DataZonePort {
  private trippedBy: ClassifiedError | undefined;

  constructor(private readonly inner: DataZonePort) {}

  /** Once tripped, records take no slots: their calls are refused without reaching the API. */
  reserveCalls(count: number): number[] | undefined {
    if (this.trippedBy !== undefined) return Array.from({ length: count }, () => 0);
    return this.inner.reserveCalls(count);
  }

  getAsset(
    domainId: string,
    assetId: string,
    revision: string | undefined,
    slotAt?: number,
  ): Promise<AssetFacts> {
    return this.guard(() => this.inner.getAsset(domainId, assetId, revision, slotAt));
  }

  startMetadataGenerationRun(request: StartRunRequest, slotAt?: number): Promise<StartedRun> {
    return this.guard(() => this.inner.startMetadataGenerationRun(request, slotAt));
  }

  findRun(domainId: string, assetId: string, revision: string): Promise<StartedRun | undefined> {
    return this.guard(() => this.inner.findRun(domainId, assetId, revision));
  }

  private async guard<T>(call: () => Promise<T>): Promise<T> {
    if (this.trippedBy !== undefined) {
      const { name, errorClass } = this.trippedBy;
      throw new BatchDeferredError(
        `not attempted: an earlier record of this batch got ${name}`,
        errorClass === 'quota' ? 'quota' : 'retry',
      );
    }
    try {
      return await call();
    } catch (error) {
      const classified = classifyError(error);
      if (tripsBreaker(classified)) this.trippedBy ??= classified;
      throw error;
    }
  }
}
