/**
 * Reading the DLQ without consuming it. SQS has no peek: each message is received once, hidden while the command
 * works, and made visible again at the end (or deleted once it has been redriven). The session remembers every
 * message it holds so that nothing stays hidden longer than needed, whatever path the command takes.
 */
import type { DlqSqs, EntryFailure } from './queue.js';
import type { ReceivedMessage } from './triage.js';

/** How long a read message stays hidden unless the command releases it sooner (or extends it for a redrive). */
export const READ_VISIBILITY_SECONDS = 120;
/** One second of long polling tells an empty queue from a short poll that missed the messages. */
const EMPTY_WAIT_SECONDS = 1;
/** SQS's ceiling on a message's total visibility from its receipt: 12 hours. */
const MAX_VISIBILITY_SECONDS = 43_200;

export interface ReadResult {
  readonly messages: readonly ReceivedMessage[];
  /** The read stopped at `max` messages: the queue may hold more. */
  readonly truncated: boolean;
}

export class DlqSession {
  private readonly held = new Map<string, ReceivedMessage>();
  private readonly receivedAt = Date.now();

  constructor(
    private readonly sqs: Pick<DlqSqs, 'receive' | 'setVisibility'>,
    readonly queueUrl: string,
  ) {}

  /** Receives until the queue has nothing visible left or `max` messages are held. */
  async readAll(max: number, signal?: AbortSignal): Promise<ReadResult> {
    while (this.held.size < max && signal?.aborted !== true) {
      const wanted = max - this.held.size;
      const batch = await this.sqs.receive(
        this.queueUrl,
        wanted,
        READ_VISIBILITY_SECONDS,
        EMPTY_WAIT_SECONDS,
      );
      if (batch.length === 0) return { messages: [...this.held.values()], truncated: false };
      // A message seen again (its visibility ran out during a long read) keeps only its newest receipt handle.
      for (const message of batch) this.held.set(message.messageId, message);
    }
    return { messages: [...this.held.values()], truncated: this.held.size >= max };
  }

  /** Keeps messages hidden for `seconds` more (capped to SQS's 12 hours from their receipt). */
  async extend(messages: readonly ReceivedMessage[], seconds: number): Promise<EntryFailure[]> {
    const elapsed = Math.ceil((Date.now() - this.receivedAt) / 1000);
    const capped = Math.max(0, Math.min(seconds, MAX_VISIBILITY_SECONDS - elapsed - 60));
    return this.sqs.setVisibility(this.queueUrl, messages, capped);
  }

  /** Messages deleted from the queue are no longer held. */
  forget(messageIds: Iterable<string>): void {
    for (const id of messageIds) this.held.delete(id);
  }

  /** Makes every message still held visible again; returns the ones SQS did not release. */
  async releaseAll(): Promise<EntryFailure[]> {
    const messages = [...this.held.values()];
    this.held.clear();
    return messages.length === 0 ? [] : this.sqs.setVisibility(this.queueUrl, messages, 0);
  }

  /** Makes these messages visible again now, before the command goes on with the others. */
  async release(messages: readonly ReceivedMessage[]): Promise<EntryFailure[]> {
    this.forget(messages.map((message) => message.messageId));
    return messages.length === 0 ? [] : this.sqs.setVisibility(this.queueUrl, messages, 0);
  }
}
