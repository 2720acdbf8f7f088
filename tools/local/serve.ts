// Runs the local DataZone and SQS stand-ins until Ctrl-C, for poking at them by hand or with the AWS CLI:
//   npx tsx tools/local/serve.ts [--datazone-port 4510] [--sqs-port 4511] [--catalog path.json]
//     [--queue name ...] [--dlq name] [--max-receive-count 5] [--complete-after-ms 200] [--rps N --burst N]
// Prints the environment variables that point the SDKs (and so the worker) at them, and a summary on exit. The
// outcome events of runs that end go to the first queue, as the stack's EventBridge rule sends them.
import { parseArgs } from 'node:util';
import { startLocalDataZone } from './datazone/server.js';
import { startLocalSqs } from './sqs/server.js';

const { values } = parseArgs({
  options: {
    'datazone-port': { type: 'string', default: '0' },
    'sqs-port': { type: 'string', default: '0' },
    catalog: { type: 'string' },
    queue: { type: 'string', multiple: true, default: ['metagen-events'] },
    dlq: { type: 'string', default: 'metagen-events-dlq' },
    'max-receive-count': { type: 'string', default: '5' },
    'visibility-timeout': { type: 'string', default: '180' },
    'complete-after-ms': { type: 'string', default: '200' },
    rps: { type: 'string' },
    burst: { type: 'string' },
  },
});

const completeAfter = values['complete-after-ms'] === 'never' ? 'never' : Number(values['complete-after-ms']);
const datazone = await startLocalDataZone({
  port: Number(values['datazone-port']),
  ...(values.catalog === undefined ? {} : { catalog: values.catalog }),
  lifecycle: { completeAfterMs: completeAfter },
  ...(values.rps === undefined
    ? {}
    : {
        faults: {
          rateLimit: { requestsPerSecond: Number(values.rps), burst: Number(values.burst ?? values.rps) },
        },
      }),
});
const sqs = await startLocalSqs({ port: Number(values['sqs-port']) });
sqs.createQueue(values.dlq);
for (const name of values.queue) {
  sqs.createQueue(name, {
    visibilityTimeoutSeconds: Number(values['visibility-timeout']),
    redrive: { deadLetterQueue: values.dlq, maxReceiveCount: Number(values['max-receive-count']) },
  });
}

const [eventQueue] = values.queue;
const publisher = setInterval(() => {
  for (const event of datazone.publishDue()) {
    if (eventQueue !== undefined) sqs.send(eventQueue, JSON.stringify(event));
  }
}, 100);

console.log(`DataZone: ${datazone.url}  (domains: ${datazone.catalog.domains.map((d) => d.id).join(', ')})`);
console.log(
  `SQS:      ${sqs.url}  (queue URLs: ${[...values.queue, values.dlq].map(sqs.queueUrl).join(', ')})`,
);
console.log('\nexport AWS_ENDPOINT_URL_DATAZONE=%s AWS_ENDPOINT_URL_SQS=%s', datazone.url, sqs.url);
console.log('export AWS_REGION=%s AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test\n', sqs.region);

const stop = async () => {
  clearInterval(publisher);
  console.log('\nDataZone summary:', JSON.stringify(datazone.summary(), null, 2));
  console.log('SQS requests by operation:', JSON.stringify(sqs.countsByOperation(), null, 2));
  await Promise.all([datazone.close(), sqs.close()]);
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
