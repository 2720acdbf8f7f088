/**
 * The client's side of a call's scope: requests go out only inside one, each attempt passes through its pacing
 * with the client's backoff, its signal aborts them, and the middleware stack is resolved once per command type.
 */
import { getEventListeners } from 'node:events';
import { GetAssetCommand, GetMetadataGenerationRunCommand } from '@aws-sdk/client-datazone';
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type CallScope,
  OutsideCallScopeError,
  ScopedRetryStrategy,
  withinScope,
} from '../../src/datazone/call-scope.js';
import { createDataZoneClient } from '../../src/datazone/client.js';
import { type CannedDataZone, startCannedDataZone } from '../support/canned-datazone.js';

let endpoint: CannedDataZone;

beforeAll(async () => {
  endpoint = await startCannedDataZone();
});
afterAll(() => endpoint.close());
afterEach(() => {
  endpoint.requests.length = 0;
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

function pointAtEndpoint(maxAttempts = 1): void {
  vi.stubEnv('AWS_ENDPOINT_URL_DATAZONE', endpoint.url);
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  vi.stubEnv('AWS_MAX_ATTEMPTS', String(maxAttempts));
}

/** A scope that records the backoff it is given before each retry, and sends at once. */
function recordingScope(signal = new AbortController().signal) {
  const backoffs: number[] = [];
  let attempts = 0;
  const scope: CallScope = {
    signal,
    attempt: (send, backoffMs) => {
      attempts += 1;
      if (attempts > 1) backoffs.push(backoffMs(attempts - 1));
      return send();
    },
  };
  return { scope, backoffs, attempts: () => attempts };
}

const getAsset = () => new GetAssetCommand({ domainIdentifier: 'dzd_1', identifier: 'a1' });
const ASSET = {
  id: 'a1',
  revision: '3',
  owningProjectId: 'p1',
  typeIdentifier: 'amazon.datazone.GlueTableAssetType',
};

describe('a DataZone call’s scope', () => {
  it('is required: a request outside one is refused before it is sent', async () => {
    pointAtEndpoint();
    const refusal = await createDataZoneClient(5000)
      .send(getAsset())
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(OutsideCallScopeError);
    expect(refusal).toMatchObject({
      name: 'OutsideCallScopeError',
      message: 'a DataZone request was sent outside a call scope (send it through DataZoneCalls)',
    });
    expect(endpoint.requests).toHaveLength(0);
  });

  it('paces each attempt after the SDK’s retries and before signing, so a retry is paced and signed when it goes out', () => {
    const stack = createDataZoneClient(5000).middlewareStack.identify();
    const at = (name: string) => stack.findIndex((entry) => entry.startsWith(`${name} `));
    expect(at('retryMiddleware')).toBeGreaterThanOrEqual(0);
    expect(at('requestBudget')).toBeGreaterThan(at('retryMiddleware'));
    expect(at('httpSigningMiddleware')).toBeGreaterThan(at('requestBudget'));
  });

  it('sees every HTTP attempt, with the client’s backoff before each retry; the SDK itself waits nothing', async () => {
    pointAtEndpoint(3);
    endpoint.answerWith(() => ({
      status: 500,
      errorType: 'InternalServerException',
      body: { message: 'again' },
    }));
    const { scope, backoffs, attempts } = recordingScope();
    const client = createDataZoneClient(5000, () => 0.5);
    const error = await withinScope(scope, () => client.send(getAsset())).catch((failed: unknown) => failed);
    expect(attempts()).toBe(3);
    expect(endpoint.requests).toHaveLength(3);
    // retryDelayMs at a jitter of 0.5: 50 ms before the first retry, 100 before the second.
    expect(backoffs).toEqual([50, 100]);
    expect(error).toMatchObject({ name: 'InternalServerException', $metadata: { totalRetryDelay: 0 } });
  });

  it('aborts a request in flight with its signal', async () => {
    pointAtEndpoint();
    endpoint.answerWith(() => ({ body: ASSET, delayMs: 3000 }));
    const controller = new AbortController();
    const { scope } = recordingScope(controller.signal);
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const client = createDataZoneClient(5000);
    await expect(withinScope(scope, () => client.send(getAsset()))).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('keeps each command type’s middleware stack, resolved once, for the client’s later sends', async () => {
    pointAtEndpoint();
    endpoint.answerWith(() => ({ body: ASSET }));
    const resolved = vi.spyOn(GetAssetCommand.prototype, 'resolveMiddleware');
    const client = createDataZoneClient(5000);
    const { scope } = recordingScope();
    for (let send = 0; send < 3; send++) await withinScope(scope, () => client.send(getAsset()));
    await withinScope(scope, () =>
      client.send(new GetMetadataGenerationRunCommand({ domainIdentifier: 'dzd_1', identifier: 'r1' })),
    );
    expect(resolved).toHaveBeenCalledTimes(1);
    expect(endpoint.requests).toHaveLength(4);
  });
});

/** A retry strategy that records what it is asked, answering `answer()` (a promise that may never settle). */
function innerStrategy(answer: () => Promise<RetryToken>) {
  const asked: string[] = [];
  const strategy: RetryStrategyV2 = {
    acquireInitialRetryToken: () => {
      asked.push('acquire');
      return answer();
    },
    refreshRetryTokenForRetry: () => {
      asked.push('refresh');
      return answer();
    },
    recordSuccess: () => {
      asked.push('success');
    },
  };
  return { strategy, asked };
}

const TOKEN: RetryToken = { getRetryCount: () => 0, getRetryDelay: () => 0 };
const THROTTLE: RetryErrorInfo = { errorType: 'THROTTLING' };
const NEVER = () => new Promise<RetryToken>(() => undefined);

describe('the SDK’s retry strategy in a call’s scope', () => {
  it('passes through while the call’s signal holds', async () => {
    const { strategy, asked } = innerStrategy(async () => TOKEN);
    const scoped = new ScopedRetryStrategy(strategy);
    const { scope } = recordingScope();
    await withinScope(scope, async () => {
      expect(await scoped.acquireInitialRetryToken('')).toBe(TOKEN);
      expect(await scoped.refreshRetryTokenForRetry(TOKEN, THROTTLE)).toBe(TOKEN);
      scoped.recordSuccess(TOKEN);
    });
    expect(asked).toEqual(['acquire', 'refresh', 'success']);
  });

  it('takes no retry once the signal has aborted: the strategy (and its retry quota) is not asked', async () => {
    const { strategy, asked } = innerStrategy(async () => TOKEN);
    const controller = new AbortController();
    controller.abort(new Error('deadline'));
    const { scope } = recordingScope(controller.signal);
    const refusal = withinScope(scope, () =>
      new ScopedRetryStrategy(strategy).refreshRetryTokenForRetry(TOKEN, THROTTLE),
    );
    await expect(refusal).rejects.toThrow('deadline');
    expect(asked).toEqual([]);
  });

  it.each([
    [
      'its wait before a retry (a Retry-After, say)',
      (scoped: ScopedRetryStrategy) => scoped.refreshRetryTokenForRetry(TOKEN, THROTTLE),
    ],
    [
      'its wait before the first attempt (the adaptive mode’s rate)',
      (scoped: ScopedRetryStrategy) => scoped.acquireInitialRetryToken(''),
    ],
  ])('ends %s when the signal aborts', async (_, wait) => {
    const { strategy } = innerStrategy(NEVER);
    const controller = new AbortController();
    const { scope } = recordingScope(controller.signal);
    const waiting = withinScope(scope, () => wait(new ScopedRetryStrategy(strategy)));
    setTimeout(() => controller.abort(new Error('deadline')), 10);
    await expect(waiting).rejects.toThrow('deadline');
  });

  it('ends at once a wait asked for after the signal aborted', async () => {
    const { strategy } = innerStrategy(NEVER);
    const controller = new AbortController();
    controller.abort(new Error('deadline'));
    const { scope } = recordingScope(controller.signal);
    const waiting = withinScope(scope, () => new ScopedRetryStrategy(strategy).acquireInitialRetryToken(''));
    await expect(waiting).rejects.toThrow('deadline');
  });

  it('leaves no listener on the signal once a wait is over (a backfill’s signal outlives many calls)', async () => {
    const { strategy } = innerStrategy(async () => TOKEN);
    const { scope } = recordingScope();
    const scoped = new ScopedRetryStrategy(strategy);
    await withinScope(scope, async () => {
      await scoped.acquireInitialRetryToken('');
      await scoped.refreshRetryTokenForRetry(TOKEN, THROTTLE);
    });
    expect(getEventListeners(scope.signal, 'abort')).toHaveLength(0);
  });
});
