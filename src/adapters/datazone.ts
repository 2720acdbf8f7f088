/**
 * DataZone behind the two operations the worker needs. The client is built once per container, with
 * - a client-side token bucket on every HTTP attempt (SDK retries included), so a fleet of containers stays under
 *   the account's quota instead of discovering it through throttles;
 * - a per-attempt timeout, and the invocation deadline as abort signal, so no call outlives the invocation.
 * The SDK's own retry strategy (standard, 3 attempts with jitter, tunable with AWS_MAX_ATTEMPTS/AWS_RETRY_MODE)
 * handles throttles and transient faults inside the invocation.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import {
  DataZoneClient,
  GetAssetCommand,
  StartMetadataGenerationRunCommand,
  type StartMetadataGenerationRunCommandOutput,
} from '@aws-sdk/client-datazone';
import type { FinalizeRequestMiddleware, MetadataBearer } from '@smithy/types';
import type { GenerationType } from '../core/generation-types.js';
import { DeadlineExceededError } from '../core/outcome.js';
import type { TokenBucket } from '../core/rate-limiter.js';
import type { InvocationDeadline } from '../deadline.js';

export interface AssetFacts {
  readonly revision: string;
  readonly owningProjectId: string;
  readonly typeIdentifier: string;
}

export interface StartRunRequest {
  readonly domainId: string;
  readonly assetId: string;
  readonly revision: string;
  readonly owningProjectId: string;
  readonly generationTypes: readonly GenerationType[];
  readonly clientToken: string;
}

export interface StartedRun {
  readonly runId: string;
  readonly status: string | undefined;
}

/** The port the core logic depends on; tests use plain fakes or aws-sdk-client-mock. */
export interface DataZonePort {
  getAsset(domainId: string, assetId: string, revision: string | undefined): Promise<AssetFacts>;
  startMetadataGenerationRun(request: StartRunRequest): Promise<StartedRun>;
}

export interface DataZoneClientOptions {
  readonly requestTimeoutMs: number;
  readonly rateLimit: TokenBucket;
  readonly deadline: InvocationDeadline;
}

export function createDataZoneClient({
  requestTimeoutMs,
  rateLimit,
  deadline,
}: DataZoneClientOptions): DataZoneClient {
  const client = new DataZoneClient({
    requestHandler: { requestTimeout: requestTimeoutMs, connectionTimeout: Math.min(requestTimeoutMs, 3000) },
  });
  const rateLimitMiddleware: FinalizeRequestMiddleware<object, MetadataBearer> = (next) => async (args) => {
    const waitMs = rateLimit.reserve(deadline.at);
    if (waitMs === undefined) {
      throw new DeadlineExceededError('no DataZone request slot left before the invocation deadline');
    }
    if (waitMs > 0) await sleep(waitMs);
    return next(args);
  };
  client.middlewareStack.addRelativeTo(rateLimitMiddleware, {
    relation: 'before',
    toMiddleware: 'httpSigningMiddleware',
    name: 'clientSideRateLimit',
  });
  return client;
}

export class DataZoneAdapter implements DataZonePort {
  constructor(
    private readonly client: DataZoneClient,
    private readonly deadline: InvocationDeadline,
  ) {}

  async getAsset(domainId: string, assetId: string, revision: string | undefined): Promise<AssetFacts> {
    const output = await this.call('GetAsset', () =>
      this.client.send(
        new GetAssetCommand({
          domainIdentifier: domainId,
          identifier: assetId,
          ...(revision === undefined ? {} : { revision }),
        }),
        { abortSignal: this.deadline.signal },
      ),
    );
    const { revision: currentRevision, owningProjectId, typeIdentifier } = output;
    if (!currentRevision || !owningProjectId || !typeIdentifier) {
      // The model marks these fields required; a response without them is a service fault, worth a retry.
      throw Object.assign(new Error('GetAsset response lacks revision, owningProjectId or typeIdentifier'), {
        name: 'IncompleteResponseError',
      });
    }
    return { revision: currentRevision, owningProjectId, typeIdentifier };
  }

  async startMetadataGenerationRun(request: StartRunRequest): Promise<StartedRun> {
    const output: StartMetadataGenerationRunCommandOutput = await this.call(
      'StartMetadataGenerationRun',
      () =>
        this.client.send(
          new StartMetadataGenerationRunCommand({
            domainIdentifier: request.domainId,
            owningProjectIdentifier: request.owningProjectId,
            target: { type: 'ASSET', identifier: request.assetId, revision: request.revision },
            types: [...request.generationTypes],
            clientToken: request.clientToken,
          }),
          { abortSignal: this.deadline.signal },
        ),
    );
    if (!output.id) {
      throw Object.assign(new Error('StartMetadataGenerationRun response lacks the run id'), {
        name: 'IncompleteResponseError',
      });
    }
    return { runId: output.id, status: output.status };
  }

  /** An abort caused by the deadline is reported as such, not as a generic AbortError. */
  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    this.deadline.check(operation);
    try {
      return await send();
    } catch (error) {
      if (this.deadline.signal.aborted && !(error instanceof DeadlineExceededError)) {
        throw new DeadlineExceededError(`invocation deadline reached during ${operation}`, { cause: error });
      }
      throw error;
    }
  }
}
