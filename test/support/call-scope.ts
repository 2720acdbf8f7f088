/**
 * A call scope that paces nothing and is never aborted: for tests of what the client sends and reads, without
 * the request budget (DataZoneCalls gives real calls their scope).
 */
import { type CallScope, withinScope } from '../../src/datazone/call-scope.js';

const UNPACED: CallScope = {
  signal: new AbortController().signal,
  attempt: (send) => send(),
};

export function unpaced<Output>(call: () => Promise<Output>): Promise<Output> {
  return withinScope(UNPACED, call);
}
