// The local EventBridge bus: the outcome events the local DataZone publishes when runs end go to the source queue
// the way the runner sends its events (SendMessageBatch), as the stack's rule sends DataZone's events there.
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DataZoneEvent, LocalDataZone } from '../datazone/types.js';
import type { SentEvent } from './accounting.js';
import { sendEvents } from './send-events.js';
import type { ScheduledEvents } from './time-keeper.js';

export interface LocalEventBus extends ScheduledEvents {
  /** The outcome events put on the source queue so far, numbered after the events before them. */
  readonly delivered: readonly SentEvent[];
}

export interface LocalEventBusOptions {
  readonly dataZone: LocalDataZone;
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  /** Runs that end after this (epoch ms, the endpoints' clock) are not waited for. */
  readonly waitUntil: number;
  /** The next free event number (the run's own events, then outcome and reconciled events as they come). */
  readonly nextIndex: () => number;
  readonly log: (line: string) => void;
}

export function localEventBus(options: LocalEventBusOptions): LocalEventBus {
  const { dataZone, waitUntil } = options;
  const delivered: SentEvent[] = [];
  let delivering: Promise<void> | undefined;
  let deliveries = 0;
  const nextEnd = () => {
    const at = dataZone.nextRunEndAt();
    return at !== undefined && at <= waitUntil ? at : undefined;
  };

  const send = async (events: readonly DataZoneEvent[]) => {
    const inputs = events.map((event) => ({
      label: `${event['detail-type']} ${event.detail.data.metadataGenerationRunId}`,
      body: JSON.stringify(event),
    }));
    const sent = await sendEvents(options.sqs, options.queueUrl, inputs, () => undefined);
    const failed = sent.filter((event) => event.messageId === undefined).length;
    options.log(
      `local DataZone published ${inputs.map((input) => input.label).join(', ')}` +
        (failed === 0 ? '' : ` (${failed} not put on the source queue)`),
    );
    sent.forEach((event, i) => {
      delivered.push({
        ...event,
        index: options.nextIndex(),
        runId: events[i]?.detail.data.metadataGenerationRunId ?? '',
      });
    });
  };

  return {
    delivered,
    nextAt: nextEnd,
    deliver() {
      if (delivering !== undefined) return delivering;
      const events = dataZone.publishDue();
      if (events.length === 0) return Promise.resolve();
      delivering = send(events).finally(() => {
        deliveries += 1;
        delivering = undefined;
      });
      return delivering;
    },
    pending: () => delivering !== undefined || nextEnd() !== undefined,
    deliveries: () => deliveries,
  };
}
