// A run drains the source queue once, or twice with --reconcile: the events and their runs' outcomes, then the
// events the reconciler's sweep enqueued and theirs. The second drain uses the same containers (warm, as Lambda
// keeps them between batches), numbers its invocations after the first's and gets what is left of the bounds;
// the summary reports both as one event source.

import {
  DEFAULT_LIMITS,
  type EventSourceLimits,
  type EventSourceOptions,
  type EventSourceResult,
  runEventSource,
} from './event-source.js';
import type { InvocationVerdict, LambdaHandler } from './lambda-invocation.js';

/** Loads each container once, whichever drain asks first. */
export function keepContainers(
  load: (container: number) => Promise<LambdaHandler>,
): (container: number) => Promise<LambdaHandler> {
  const loaded = new Map<number, Promise<LambdaHandler>>();
  return (container) => {
    const handler = loaded.get(container) ?? load(container);
    loaded.set(container, handler);
    return handler;
  };
}

/** The second drain: the bounds less what the first used, its invocations numbered after the first's. */
export function drainAgain(
  options: EventSourceOptions,
  first: EventSourceResult,
  startedAt: number,
): Promise<EventSourceResult> {
  const limits: EventSourceLimits = {
    ...options.limits,
    maxInvocations: (options.limits?.maxInvocations ?? DEFAULT_LIMITS.maxInvocations) - first.invocations,
    maxWallMs: (options.limits?.maxWallMs ?? DEFAULT_LIMITS.maxWallMs) - (Date.now() - startedAt),
  };
  return runEventSource({ ...options, limits, invocationsBefore: first.invocations });
}

/** Both drains as one event source; `realMs` from the first's start to the second's end, the sweep included. */
export function bothDrains(
  first: EventSourceResult,
  second: EventSourceResult,
  startedAt: number,
): EventSourceResult {
  const verdicts = { ...first.verdicts };
  for (const [verdict, n] of Object.entries(second.verdicts)) verdicts[verdict as InvocationVerdict] += n;
  return {
    invocations: first.invocations + second.invocations,
    records: first.records + second.records,
    deleted: first.deleted + second.deleted,
    handedBack: first.handedBack + second.handedBack,
    verdicts,
    deleteFailures: first.deleteFailures + second.deleteFailures,
    receiveErrors: first.receiveErrors + second.receiveErrors,
    receives: first.receives + second.receives,
    virtualSkips: first.virtualSkips + second.virtualSkips,
    virtualSkippedMs: first.virtualSkippedMs + second.virtualSkippedMs,
    realMs: Date.now() - startedAt,
    drained: second.drained,
    ...(second.stoppedBy === undefined ? {} : { stoppedBy: second.stoppedBy }),
    reports: [...first.reports, ...second.reports],
  };
}
