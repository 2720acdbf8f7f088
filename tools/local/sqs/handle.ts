// The handle tests and the runner hold on a local SQS: queues created and inspected without HTTP, faults, and
// the SQS event the Lambda event source mapping would build.
import { receiveLambdaEvent } from './lambda-event.js';
import { attributeToWire } from './message-attributes.js';
import { createQueue } from './queues.js';
import { enqueue } from './send.js';
import { arnOf, expire, type SqsState, urlOf } from './state.js';
import type { LocalSqs } from './types.js';

export function localSqs(state: SqsState, port: number, close: () => Promise<void>): LocalSqs {
  const { region, accountId, requests } = state;
  const mustGet = (name: string) => {
    const q = state.queues.get(name);
    if (!q) throw new Error(`no local queue named ${name}`);
    return q;
  };
  return {
    url: state.baseUrl,
    port,
    region,
    accountId,
    requests,
    close,
    createQueue(name, o) {
      const q = createQueue(state, name, o);
      return { url: urlOf(state, q.name), arn: arnOf(state, q.name) };
    },
    queueUrl: (name) => urlOf(state, name),
    queueArn: (name) => arnOf(state, name),
    awsStyleQueueUrl: (name) => `https://sqs.${region}.amazonaws.com/${accountId}/${name}`,
    peek(name) {
      const q = mustGet(name);
      expire(state, q);
      const t = state.now();
      return q.messages.map((m) => ({
        messageId: m.messageId,
        body: m.body,
        messageAttributes: structuredClone(m.attributes),
        receiveCount: m.receiveCount,
        sentAt: m.sentAt,
        visibleAt: m.visibleAt,
        inFlight: m.visibleAt > t && m.receiveCount > 0,
        delayed: m.visibleAt > t && m.receiveCount === 0,
        ...(m.firstReceivedAt === undefined ? {} : { firstReceivedAt: m.firstReceivedAt }),
        ...(m.deadLetterQueueSourceArn === undefined
          ? {}
          : { deadLetterQueueSourceArn: m.deadLetterQueueSourceArn }),
      }));
    },
    send(name, body, attributes = {}) {
      const wire = Object.fromEntries(Object.entries(attributes).map(([k, a]) => [k, attributeToWire(a)]));
      return enqueue(state, mustGet(name), { MessageBody: body, MessageAttributes: wire }).MessageId;
    },
    purge(name) {
      mustGet(name).messages = [];
    },
    setFaults(next) {
      state.faults = [...next];
      state.faultHits = new Map();
    },
    failSends(queue, error = 'InternalError', times) {
      state.faults = [...state.faults, { queue, error, ...(times === undefined ? {} : { times }) }];
    },
    clearFaults() {
      state.faults = [];
      state.faultHits = new Map();
    },
    countsByOperation() {
      const counts: Record<string, number> = {};
      for (const r of requests) counts[r.operation] = (counts[r.operation] ?? 0) + 1;
      return counts;
    },
    receiveLambdaEvent: (name, o) => receiveLambdaEvent(state, mustGet(name), o),
  };
}
