/**
 * The four commands, once the DLQ has been read: each gets the dead letters, prints, and returns the exit code
 * (0 done, 1 refused or not everything done, 2 cannot run as asked).
 */
import { appendFile } from 'node:fs/promises';
import { redriveAllByMoveTask } from './move-task.js';
import type { DlqSqs, EntryFailure, QueueFacts } from './queue.js';
import { deleteAll, type Failure, type Pace, redriveEach } from './redrive.js';
import { refusalsFor } from './refusals.js';
import { formatDuration, showJsonLines, showLines, summaryLines } from './report.js';
import { type DlqSession, READ_VISIBILITY_SECONDS } from './session.js';
import { summarise } from './summary.js';
import { type DeadLetter, type ReceivedMessage, type Selection, select } from './triage.js';

export interface CommandContext {
  readonly sqs: DlqSqs;
  readonly session: DlqSession;
  readonly facts: QueueFacts;
  readonly messages: readonly ReceivedMessage[];
  readonly deadLetters: readonly DeadLetter[];
  readonly truncated: boolean;
  readonly now: number;
  readonly pace: Pace & { readonly pollMs: number };
}

export function summaryCommand(context: CommandContext): number {
  const { session, facts, deadLetters, now, truncated, pace } = context;
  const summary = summarise(deadLetters, now, facts.retentionSeconds);
  for (const line of summaryLines(session.queueUrl, facts, summary, now, truncated)) pace.print(line);
  return 0;
}

function selected(context: CommandContext, selection: Selection): DeadLetter[] | undefined {
  const chosen = select(context.deadLetters, selection);
  if (chosen.length > 0) return chosen;
  const known = [...new Set(context.deadLetters.map((d) => `${d.reason.id} ${d.reason.name}`))];
  context.pace.print(`Nothing matches. Reasons in the queue: ${known.join(', ') || 'none (it is empty)'}`);
  return undefined;
}

export function showCommand(context: CommandContext, selection: Selection, json: boolean): number {
  const chosen = selected(context, selection);
  if (chosen === undefined) return 1;
  const lines = json ? showJsonLines(chosen) : showLines(chosen, context.now);
  for (const line of lines) context.pace.print(line);
  return 0;
}

function planLines(verb: string, chosen: readonly DeadLetter[], target: string): string[] {
  const copies = chosen.reduce((sum, deadLetter) => sum + deadLetter.copies.length, 0);
  const byReason = Map.groupBy(chosen, (deadLetter) => deadLetter.reason.id);
  return [
    `${verb} ${chosen.length} dead letters (${copies} messages) ${target}:`,
    ...[...byReason.values()].map(
      // Stryker disable next-line OptionalChaining: Map.groupBy makes no empty group
      (members) => `  ${members.length} × ${members[0]?.reason.id} ${members[0]?.reason.name}`,
    ),
  ];
}

/** Messages not chosen are released before the work starts; chosen ones stay hidden for as long as it takes. */
async function holdOnly(context: CommandContext, chosen: readonly DeadLetter[]): Promise<void> {
  const ids = new Set(chosen.flatMap((deadLetter) => deadLetter.copies.map((copy) => copy.messageId)));
  const others = context.messages.filter((message) => !ids.has(message.messageId));
  warn(context.pace, await context.session.release(others), 'could not be made visible again yet');
  const seconds = Math.ceil(chosen.length / (context.pace.rate ?? 50)) + READ_VISIBILITY_SECONDS;
  const copies = chosen.flatMap((deadLetter) => deadLetter.copies);
  warn(
    context.pace,
    await context.session.extend(copies, seconds),
    'could not be kept hidden for the whole run',
  );
}

/** Nothing is lost when a visibility change fails, but the operator hears of it. */
function warn(pace: Pace, failures: readonly EntryFailure[], what: string): void {
  if (failures.length === 0) return;
  // Stryker disable next-line OptionalChaining: failures is not empty here
  pace.print(`Warning: ${failures.length} messages ${what} (${failures[0]?.error}).`);
}

export async function redriveCommand(
  context: CommandContext,
  options: { selection: Selection; sourceUrl: string; dryRun: boolean; force: boolean },
): Promise<number> {
  const { pace } = context;
  const chosen = selected(context, options.selection);
  if (chosen === undefined) return 1;
  // The move task moves bodies as they are (a Lambda on-failure record must be unwrapped) and moves what was not
  // read past --max, unchecked: in either case, one by one.
  const byMoveTask =
    'all' in options.selection &&
    !context.truncated &&
    chosen.every((d) => d.copies.every((copy) => copy.body === d.event));
  const how = byMoveTask ? 'with the SQS message move task' : 'one by one';
  if (options.dryRun) {
    for (const line of planLines('Would redrive', chosen, `to ${options.sourceUrl}, ${how}`))
      pace.print(line);
  }
  const refusals = options.force ? [] : refusalsFor(chosen);
  for (const { reason, count, why } of refusals) {
    pace.print(`Refused: ${count} × ${reason.id} ${reason.name}: ${why}. Once it is fixed, add --force.`);
  }
  if (refusals.length > 0 || options.dryRun) return refusals.length > 0 ? 1 : 0;
  if (byMoveTask) {
    // The task moves only visible messages: everything read is released first.
    warn(pace, await context.session.releaseAll(), 'could not be made visible again: the task skips them');
    const source = await context.sqs.facts(options.sourceUrl);
    const report = await redriveAllByMoveTask(context.sqs, context.facts.arn, source.arn, pace);
    pace.print(
      `Move task ${report.status}: ${report.moved} messages moved` +
        (report.failureReason ? ` (${report.failureReason})` : ''),
    );
    return report.status === 'COMPLETED' ? 0 : 1;
  }
  await holdOnly(context, chosen);
  const report = await redriveEach(context.sqs, context.session, options.sourceUrl, chosen, pace);
  pace.print(`Redriven: ${report.redriven} of ${report.total} dead letters.`);
  printFailures(pace, 'Not sent (still in the DLQ)', report.notSent);
  printFailures(pace, 'Sent but not deleted (in both queues: a harmless duplicate)', report.notDeleted);
  if (report.stopped) pace.print('Interrupted: the rest is still in the DLQ.');
  return report.redriven === report.total ? 0 : 1;
}

export async function deleteCommand(
  context: CommandContext,
  options: { selection: Selection; dryRun: boolean; save: string | undefined },
): Promise<number> {
  const chosen = selected(context, options.selection);
  if (chosen === undefined) return 1;
  if (options.dryRun) {
    for (const line of planLines('Would delete', chosen, 'from the DLQ')) context.pace.print(line);
    return 0;
  }
  await holdOnly(context, chosen);
  // Saved first, and exactly what is deleted: a message that arrived since an earlier `show` cannot slip through.
  if (options.save !== undefined) {
    const lines = showJsonLines(chosen);
    await appendFile(options.save, lines.map((line) => `${line}\n`).join(''));
    context.pace.print(`Saved ${lines.length} messages to ${options.save}.`);
  }
  const { done, failures } = await deleteAll(context.sqs, context.session, chosen);
  context.pace.print(`Deleted: ${done} of ${chosen.length} dead letters.`);
  printFailures(context.pace, 'Not deleted (still in the DLQ)', failures);
  return failures.length === 0 ? 0 : 1;
}

function printFailures(pace: Pace, title: string, failures: readonly Failure[]): void {
  if (failures.length === 0) return;
  pace.print(`${title}: ${failures.length}`);
  for (const { deadLetter, error } of failures) {
    const age = formatDuration(pace.now() - deadLetter.sentAt);
    pace.print(`  ${deadLetter.copies[0].messageId} (${deadLetter.reason.name}, ${age} old): ${error}`);
  }
}
