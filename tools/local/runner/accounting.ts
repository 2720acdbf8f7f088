// What became of each event sent, from the worker's own log lines, cross-checked with the endpoints' state
// (the dead-letter queue's messages, what is left in the source queue, the runs at the DataZone endpoint): every
// event accounted for exactly once (started, already existing, skipped with a reason, a run's outcome recorded,
// or in the dead-letter queue with a reason). The runs' own invariants are generation.ts's.
import { runEnded, startedOrSkipped, str } from './finished-outcomes.js';
import type { JsonLine } from './worker-output.js';

export type EventStatus =
  | 'started'
  | 'already-exists'
  | 'skipped'
  | 'run-ended'
  | 'dead-lettered'
  | 'unaccounted';
const EVENT_STATUSES: readonly EventStatus[] = [
  'started',
  'already-exists',
  'skipped',
  'run-ended',
  'dead-lettered',
  'unaccounted',
];

/** An event as sent to the source queue. */
export interface SentEvent {
  readonly index: number;
  readonly label: string;
  readonly body: string;
  readonly messageId?: string;
  /** Why it could not be sent. */
  readonly sendError?: string;
  /** An outcome event the local DataZone published: the run it is about. */
  readonly runId?: string;
}

/** A message in the dead-letter queue, with its String attributes. */
export interface DeadLetter {
  readonly messageId: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** Set when SQS moved the message there (redrive policy): the source queue's ARN. */
  readonly redrivenFrom?: string;
  readonly receiveCount?: number;
}

export interface Run {
  readonly id: string;
  readonly domainId: string;
  readonly target: { readonly identifier: string; readonly revision: string };
  readonly clientToken: string;
}

export interface EventOutcome {
  readonly index: number;
  readonly label: string;
  readonly messageId: string | undefined;
  readonly status: EventStatus;
  /** How many times the worker reported on this message (each delivery logs one outcome). */
  readonly deliveries: number;
  readonly target?: { readonly domainId: string; readonly assetId: string; readonly revision?: string };
  readonly clientToken?: string;
  /** The run started (or found), or, for a run's outcome event, the run that ended. */
  readonly runId?: string;
  /** A run's outcome event: the run's status, as the worker recorded it. */
  readonly runStatus?: string;
  /** A run's outcome event: the next attempt started for the types that failed. */
  readonly nextRun?: { readonly runId: string; readonly attempt: number };
  /** Why it was skipped, already existed, ended without a next run, or was dead-lettered. */
  readonly reason?: string;
  readonly errorName?: string;
  readonly errorMessage?: string;
  /** Who put it in the dead-letter queue: the worker (a permanent error) or SQS (maxReceiveCount). */
  readonly deadLetteredBy?: 'worker' | 'redrive';
  /** What is wrong with how this event was handled; empty when it is accounted for exactly once. */
  readonly problems: readonly string[];
}

export interface AccountingInput {
  readonly events: readonly SentEvent[];
  /** The worker's log lines (other lines are ignored). */
  readonly logs: readonly JsonLine[];
  readonly deadLetters: readonly DeadLetter[];
  /** Message ids still in the source queue; undefined when not known (a drained real queue: none). */
  readonly leftInSource?: ReadonlySet<string>;
  /** Every run at the DataZone endpoint, when it can be inspected. */
  readonly runs?: readonly Run[];
}

export interface Accounting {
  readonly outcomes: EventOutcome[];
  readonly totals: Record<EventStatus, number>;
  /** Every problem, event by event. Empty: the invariant holds. */
  readonly violations: string[];
}

/** Outcomes that finish a message (a retry does not); a recorded outcome event counts as skipped with a reason. */
export const FINAL_OUTCOMES = [
  'started',
  'already-exists',
  'skipped',
  'run-ended',
  'outcome-unreadable',
  'name-generation-ended',
  'dead-letter',
];
const TERMINAL = new Set(FINAL_OUTCOMES);

export function accountFor(input: AccountingInput): Accounting {
  const linesByMessage = new Map<string, JsonLine[]>();
  for (const line of input.logs) {
    const id = str(line.messageId);
    if (id === undefined || str(line.outcome) === undefined) continue;
    linesByMessage.set(id, [...(linesByMessage.get(id) ?? []), line]);
  }
  const runsByToken = new Map<string, Run[]>();
  for (const run of input.runs ?? []) {
    runsByToken.set(run.clientToken, [...(runsByToken.get(run.clientToken) ?? []), run]);
  }
  const outcomes = input.events.map((event) =>
    outcomeOf(event, linesByMessage, input, input.runs ? runsByToken : undefined),
  );

  const totals = Object.fromEntries(EVENT_STATUSES.map((s) => [s, 0])) as Record<EventStatus, number>;
  for (const outcome of outcomes) totals[outcome.status] += 1;
  const violations = outcomes.flatMap((o) => o.problems.map((p) => `#${o.index} ${o.label}: ${p}`));
  return { outcomes, totals, violations };
}

function outcomeOf(
  event: SentEvent,
  linesByMessage: ReadonlyMap<string, JsonLine[]>,
  input: AccountingInput,
  runsByToken: ReadonlyMap<string, Run[]> | undefined,
): EventOutcome {
  const base = { index: event.index, label: event.label, messageId: event.messageId };
  if (event.messageId === undefined) {
    return {
      ...base,
      status: 'unaccounted',
      deliveries: 0,
      problems: [`never sent to the source queue: ${event.sendError ?? 'no message id'}`],
    };
  }
  const id = event.messageId;
  const lines = linesByMessage.get(id) ?? [];
  const terminal = lines.filter((l) => TERMINAL.has(String(l.outcome)));
  const lastRetry = lines.filter((l) => l.outcome === 'retry').at(-1);
  const deadLetters = input.deadLetters.filter(
    (d) => d.attributes.SourceMessageId === id || (d.redrivenFrom !== undefined && d.messageId === id),
  );
  const problems: string[] = [];
  // The last line that names the asset knows it best: a run's outcome event names it only once the run is read.
  const described = lines.findLast((l) => str(l.assetId) !== undefined && str(l.domainId) !== undefined);
  const revision = lines.map((l) => str(l.revision)).find((r) => r !== undefined);
  const target =
    described === undefined
      ? undefined
      : {
          domainId: String(described.domainId),
          assetId: String(described.assetId),
          ...(revision === undefined ? {} : { revision }),
        };
  const common = {
    ...base,
    deliveries: lines.length,
    ...(target === undefined ? {} : { target }),
  };

  if (input.leftInSource?.has(id)) problems.push('still in the source queue');
  if (deadLetters.length > 1) problems.push(`in the dead-letter queue ${deadLetters.length} times`);

  // The first delivery that finished it decides; later deliveries of a finished message (a redelivery after a
  // lost delete, say) can only find its run.
  const done = [
    'started',
    'already-exists',
    'skipped',
    'outcome-unreadable',
    'name-generation-ended',
    'run-ended',
  ]
    .map((kind) => terminal.find((l) => l.outcome === kind))
    .find((line) => line !== undefined);
  const deadLetter = deadLetters[0];

  if (done !== undefined) {
    if (deadLetter !== undefined) problems.push(`${String(done.outcome)}, yet also in the dead-letter queue`);
    const finished =
      done.outcome === 'run-ended' ? runEnded(done, runsByToken) : startedOrSkipped(done, runsByToken);
    return { ...common, ...finished, problems: [...problems, ...finished.problems] };
  }

  if (deadLetter !== undefined) {
    const byWorker = deadLetter.attributes.SourceMessageId === id;
    const logged = terminal.find((l) => l.outcome === 'dead-letter');
    const clientToken =
      str(deadLetter.attributes.ClientToken) ?? str(logged?.clientToken) ?? str(lastRetry?.clientToken);
    let errorName: string | undefined;
    let errorMessage: string | undefined;
    let reason: string | undefined;
    if (byWorker) {
      errorName = str(deadLetter.attributes.ErrorName);
      errorMessage = str(deadLetter.attributes.ErrorMessage);
      if (errorName === undefined) problems.push('in the dead-letter queue without an ErrorName attribute');
      reason = `${errorName ?? '?'}: ${errorMessage ?? ''}`;
    } else {
      errorName = str(lastRetry?.errorName);
      errorMessage = str(lastRetry?.errorMessage);
      const receives =
        deadLetter.receiveCount === undefined ? '' : ` after ${deadLetter.receiveCount} receives`;
      reason =
        `moved by the redrive policy${receives}; ` +
        (errorName === undefined ? 'no outcome logged' : `last error ${errorName}: ${errorMessage ?? ''}`);
    }
    return {
      ...common,
      status: 'dead-lettered',
      deadLetteredBy: byWorker ? 'worker' : 'redrive',
      ...(clientToken === undefined ? {} : { clientToken }),
      reason,
      ...(errorName === undefined ? {} : { errorName }),
      ...(errorMessage === undefined ? {} : { errorMessage }),
      problems,
    };
  }

  const logged = terminal.find((l) => l.outcome === 'dead-letter');
  if (logged !== undefined) problems.push('logged as dead-lettered, but not in the dead-letter queue');
  else if (!input.leftInSource?.has(id)) {
    problems.push(
      lines.length === 0
        ? 'lost: no outcome logged, not in either queue'
        : `lost: last logged outcome ${String(lines.at(-1)?.outcome)}, not in either queue`,
    );
  }
  const last = lines.at(-1);
  return {
    ...common,
    status: 'unaccounted',
    ...(str(last?.errorName) === undefined ? {} : { errorName: String(last?.errorName) }),
    ...(str(last?.errorMessage) === undefined ? {} : { errorMessage: String(last?.errorMessage) }),
    problems,
  };
}
