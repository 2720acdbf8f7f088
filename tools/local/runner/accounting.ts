// What became of each event sent, from the worker's own log lines, cross-checked with the endpoints' state
// (the dead-letter queue's messages, what is left in the source queue, the runs at the DataZone endpoint), and
// the invariant of a run: every event accounted for exactly once (started, already existing, skipped with a
// reason, or in the dead-letter queue with a reason) and no asset revision with more than one run.
import type { JsonLine } from './worker-output.js';

export type EventStatus = 'started' | 'already-exists' | 'skipped' | 'dead-lettered' | 'unaccounted';
const EVENT_STATUSES: readonly EventStatus[] = [
  'started',
  'already-exists',
  'skipped',
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

interface Run {
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
  readonly runId?: string;
  /** Why it was skipped, already existed, or was dead-lettered. */
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
  /** Asset revisions with more than one run. */
  readonly duplicateRuns: { readonly assetRevision: string; readonly runIds: readonly string[] }[];
  /** Every problem, event by event, then the runs'. Empty: the invariant holds. */
  readonly violations: string[];
}

const TERMINAL = new Set(['started', 'already-exists', 'skipped', 'dead-letter']);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

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

  const byRevision = new Map<string, Run[]>();
  for (const run of input.runs ?? []) {
    const key = `${run.domainId}/${run.target.identifier}@${run.target.revision}`;
    byRevision.set(key, [...(byRevision.get(key) ?? []), run]);
  }
  const duplicateRuns = [...byRevision]
    .filter(([, runs]) => runs.length > 1)
    .map(([assetRevision, runs]) => ({ assetRevision, runIds: runs.map((r) => r.id) }));

  const violations = [
    ...outcomes.flatMap((o) => o.problems.map((p) => `#${o.index} ${o.label}: ${p}`)),
    ...duplicateRuns.map(
      (d) => `asset revision ${d.assetRevision} has ${d.runIds.length} runs: ${d.runIds.join(', ')}`,
    ),
  ];
  return { outcomes, totals, duplicateRuns, violations };
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
  const described = lines.find((l) => str(l.assetId) !== undefined && str(l.domainId) !== undefined);
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
  const done =
    terminal.find((l) => l.outcome === 'started') ??
    terminal.find((l) => l.outcome === 'already-exists') ??
    terminal.find((l) => l.outcome === 'skipped');
  const deadLetter = deadLetters[0];

  if (done !== undefined) {
    if (deadLetter !== undefined) problems.push(`${String(done.outcome)}, yet also in the dead-letter queue`);
    const clientToken = str(done.clientToken);
    const runId = str(done.runId);
    const errorName = str(done.errorName);
    const errorMessage = str(done.errorMessage);
    const status = done.outcome as 'started' | 'already-exists' | 'skipped';
    let reason: string | undefined;
    if (status === 'skipped') {
      reason = str(done.reason);
      if (reason === undefined) problems.push('skipped without a reason');
    } else {
      if (clientToken === undefined) problems.push(`${status} without a client token`);
      if (status === 'already-exists')
        reason = errorName === undefined ? undefined : `${errorName}: ${errorMessage ?? ''}`;
      if (status === 'started' && runId === undefined) problems.push('started without a run id');
      const conflict = errorName === 'ConflictException';
      if (runsByToken !== undefined && clientToken !== undefined && !conflict) {
        const runs = runsByToken.get(clientToken) ?? [];
        if (runs.length === 0) problems.push(`no run with its client token at the DataZone endpoint`);
        else if (status === 'started' && runId !== undefined && !runs.some((r) => r.id === runId)) {
          problems.push(`logged run ${runId}, but the endpoint's run for its token is ${runs[0]?.id}`);
        }
      }
    }
    return {
      ...common,
      status,
      ...(clientToken === undefined ? {} : { clientToken }),
      ...(runId === undefined ? {} : { runId }),
      ...(reason === undefined ? {} : { reason }),
      ...(errorName === undefined ? {} : { errorName }),
      ...(errorMessage === undefined ? {} : { errorMessage }),
      problems,
    };
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
