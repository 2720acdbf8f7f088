/**
 * `redrive --all` through SQS's own message move task: SQS moves every message in the DLQ to the source queue in
 * the background, at `--rate` per second if given. The command follows the task until it ends and prints its
 * progress; interrupted, it cancels the task (the messages already moved stay moved).
 */
import type { DlqSqs } from './queue.js';
import type { Pace } from './redrive.js';

export interface MoveTaskReport {
  readonly status: string;
  readonly moved: number;
  readonly toMove: number | undefined;
  readonly failureReason?: string | undefined;
}

export async function redriveAllByMoveTask(
  sqs: DlqSqs,
  dlqArn: string,
  sourceArn: string,
  pace: Pace & { readonly pollMs: number },
): Promise<MoveTaskReport> {
  const handle = await sqs.startMoveTask(dlqArn, sourceArn, pace.rate);
  pace.print(`message move task started: ${dlqArn} → ${sourceArn}`);
  // Stryker disable next-line StringLiteral: no progress line equals the initial value, whatever it is
  let last = '';
  for (;;) {
    const task = await sqs.latestMoveTask(dlqArn);
    const report: MoveTaskReport = {
      status: task?.Status ?? 'UNKNOWN',
      moved: task?.ApproximateNumberOfMessagesMoved ?? 0,
      toMove: task?.ApproximateNumberOfMessagesToMove,
      failureReason: task?.FailureReason,
    };
    const line = `move task: ${report.status}, ${report.moved}/${report.toMove ?? '?'} moved`;
    if (line !== last) pace.print(line);
    last = line;
    if (report.status !== 'RUNNING' && report.status !== 'CANCELLING') return report;
    if (pace.signal?.aborted === true) {
      const moved = await sqs.cancelMoveTask(handle);
      pace.print(`interrupted: move task cancelled after ${moved ?? report.moved} messages`);
      return { ...report, status: 'CANCELLED', moved: moved ?? report.moved };
    }
    await pace.sleep(pace.pollMs);
  }
}
