/**
 * Reasons whose cause a redrive does not remove by itself: redriving such a group before the cause is fixed only
 * sends it back to the DLQ. This command runs with the operator's credentials, not the worker's role, so it cannot
 * check the role's permissions or project memberships (a GetAsset that succeeds for the operator proves nothing
 * about the role). It therefore refuses these groups unless `--force` says the cause has been dealt with.
 */
import type { DeadLetter, Reason } from './triage.js';

const ACCESS =
  "the worker's role was refused: DataZone project membership, IAM or domainIds (README, DataZone access). " +
  "This command cannot check the role's permissions with your credentials";

const STILL_PRESENT: Readonly<Record<string, string>> = {
  AccessDeniedException: ACCESS,
  UnauthorizedException: ACCESS,
  ResourceNotFoundException:
    'the asset (or its domain) did not exist; it fails again unless it was restored. Delete these instead',
  InvalidEventError:
    'the event itself was invalid; the same body fails the same way unless the worker changed',
};

/** Why redriving this reason would fail again, or undefined when nothing says so. */
export function refusalOf(reason: Reason): string | undefined {
  return Object.hasOwn(STILL_PRESENT, reason.name) ? STILL_PRESENT[reason.name] : undefined;
}

export interface Refusal {
  readonly reason: Reason;
  readonly count: number;
  readonly why: string;
}

/** The selected dead letters' reasons that are refused, one entry per reason. */
export function refusalsFor(deadLetters: readonly DeadLetter[]): Refusal[] {
  const byReason = Map.groupBy(deadLetters, (deadLetter) => deadLetter.reason.id);
  return [...byReason.values()].flatMap((members) => {
    const { reason } = members[0] as DeadLetter;
    const why = refusalOf(reason);
    return why === undefined ? [] : [{ reason, count: members.length, why }];
  });
}
