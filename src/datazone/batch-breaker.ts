/**
 * A DataZone port for one batch that stops calling the API once a call ended throttled or over the quota (after
 * the SDK's own retries): the records whose first request has not gone out yet are handed back with backoff
 * instead of adding to the overload, also those already waiting for their rate-limit slot. Requests already
 * sent go on. Records that need no call (skipped, malformed) are still processed.
 * (Tripping on the first throttled attempt instead was measured with the local chaos profile: more deliveries
 * per event and healthy events redriven to the DLQ, since deferred records use up receives too.)
 */

import { BatchDeferredError, type ClassifiedError, classifyError, tripsBreaker } from '../core/outcome.js';
import type { AssetFacts, CallOptions, DataZonePort, StartedRun, StartRunRequest } from './client.js';

export class BatchBreaker implements DataZonePort {
  private trippedBy: ClassifiedError | undefined;

  constructor(private readonly inner: DataZonePort) {}

  reserveCalls(count: number): number[] {
    this.refuseIfTripped();
    return this.inner.reserveCalls(count);
  }

  releaseCalls(count: number): void {
    this.inner.releaseCalls(count);
  }

  getAsset(
    domainId: string,
    assetId: string,
    revision: string | undefined,
    options?: CallOptions,
  ): Promise<AssetFacts> {
    return this.guard(options, (guarded) => this.inner.getAsset(domainId, assetId, revision, guarded));
  }

  startMetadataGenerationRun(request: StartRunRequest, options?: CallOptions): Promise<StartedRun> {
    return this.guard(options, (guarded) => this.inner.startMetadataGenerationRun(request, guarded));
  }

  findRun(
    domainId: string,
    assetId: string,
    revision: string,
    options?: CallOptions,
  ): Promise<StartedRun | undefined> {
    return this.guard(options, (guarded) => this.inner.findRun(domainId, assetId, revision, guarded));
  }

  private async guard<T>(options: CallOptions = {}, call: (guarded: CallOptions) => Promise<T>): Promise<T> {
    try {
      this.refuseIfTripped();
    } catch (error) {
      if (options.slotAt !== undefined) this.inner.releaseCalls(1);
      throw error;
    }
    const guarded: CallOptions = {
      ...options,
      beforeFirstAttempt: () => {
        this.refuseIfTripped();
        options.beforeFirstAttempt?.();
      },
    };
    try {
      return await call(guarded);
    } catch (error) {
      this.observe(error);
      throw error;
    }
  }

  private observe(error: unknown): void {
    const classified = classifyError(error);
    if (tripsBreaker(classified)) this.trippedBy ??= classified;
  }

  private refuseIfTripped(): void {
    if (this.trippedBy === undefined) return;
    const { name, errorClass } = this.trippedBy;
    throw new BatchDeferredError(
      `not attempted: an earlier request of this batch got ${name}`,
      errorClass === 'quota' ? 'quota' : 'retry',
    );
  }
}
