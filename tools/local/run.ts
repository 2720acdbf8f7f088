// `npm start`: the worker's whole job on this machine. Starts local DataZone and SQS endpoints (or uses real
// ones), sends the sample events to the source queue, plays Lambda's SQS event source over the wire against the
// real handler until every run it started has ended and its outcome event has been processed, and prints what
// became of every event and every run. With --reconcile it then sweeps the events' domains as the scheduled
// reconciler does and drains what the sweep enqueued. Exits 1 if an event was not accounted for exactly once, a
// run's outcome was lost, an attempt of a revision got two runs, or an eligible revision was missed (see the help).
// Everything but argument parsing and printing is in runner/scenario.ts.
import { writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigurationError } from '../../src/runtime/env-reader.js';
import { loadCatalog } from './datazone/catalog.js';
import type { ExternalEndpoints } from './runner/endpoints.js';
import {
  EVENTS_DIR,
  generateCatalogEvents,
  type InputEvent,
  loadEventFiles,
  loadSampleEvents,
} from './runner/event-files.js';
import { FAULT_PROFILES, faultProfile, LOCAL_WORKER_DEFAULTS } from './runner/fault-profiles.js';
import { workerLogEcho } from './runner/log-view.js';
import { runScenario } from './runner/scenario.js';
import { formatSummary } from './runner/summary.js';
import { fitSummary } from './runner/summary-fit.js';
import { displayFor, fitLine } from './runner/terminal.js';
import { startLocalWorld } from './runner/world.js';

const HELP = `Runs the worker locally: the real handler, the real AWS SDK clients, local DataZone and SQS endpoints.

Usage: npm start -- [options] [event files or directories...]

Events: every events/eventbridge/*.json and the bodies of every events/sqs/*.json record, unless files are
given. A file holds an EventBridge event, an SQS event {"Records": [...]} (each body is sent unchanged) or an
array of EventBridge events; a directory stands for its *.json files.

Options:
  --faults <profile>               what the local DataZone or the bus does wrong (default none), one of:
${Object.values(FAULT_PROFILES)
  .map((p) => `      ${p.name.padEnd(16)}${p.description}`)
  .join('\n')}
  --seed <n>                       seeds the faults and --generate (default 1)
  --reconcile                      once the queue has drained, sweep the events' domains as the scheduled
                                   reconciler does (src/sweep), then drain the events it enqueued
  --generate <n>                   also send n events generated from the local catalog (default 0)
  --batch-size <n>                 records per invocation, 1-10 (default 10)
  --batching-window-ms <ms>        receive until the batch is full or this long has passed (default 0)
  --concurrency <n>                concurrent invocations, each in its own container (default 1)
  --function-timeout-seconds <s>   behind context.getRemainingTimeInMillis (default 30)
  --max-receive-count <n>          the source queue's redrive policy (default 5)
  --wait-time-seconds <s>          ReceiveMessage long polling (default 20)
  --max-invocations <n>            stop after this many invocations (default 1000)
  --max-wall-seconds <s>           stop after this much real time (default 120)
  --outcome-timeout-seconds <s>    wait this long (virtual time, from the start) for the runs started to end
                                   (default 3600)
  --source-queue-url <url>         run against this existing source queue and this DLQ: nothing local is
  --dlq-url <url>                  started; the SDKs use AWS_ENDPOINT_URL_DATAZONE / AWS_ENDPOINT_URL_SQS if
                                   set (else AWS), the usual credentials and AWS_REGION; time is real
  --quiet                          hide the worker's log lines and the runner's progress
  --raw-logs                       print the worker's log lines as it writes them (Powertools JSON, and its
                                   EMF metric documents) instead of one short line each
  --json                           print the summary as JSON on stdout (the logs go to stderr); use
                                   npm start -s -- --json, or npm prints its banner on stdout too
  -h, --help                       this help

Worker settings for local runs (a variable set in your environment wins):
  ${Object.entries(LOCAL_WORKER_DEFAULTS)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n  ')}

Eligible revisions: the current revision of each catalog asset in a domain the events name, of a type in
SUPPORTED_ASSET_TYPES that metadata generation accepts. The summary lists those without a run of every group.

Exit status: 0 when every event is accounted for exactly once (started, already existing, skipped with a
reason, a run's outcome recorded, or in the DLQ with a reason), every run started has ended with its outcome
event processed by the worker, no asset revision has two runs of one generation group and attempt, and no
eligible revision is without a run of a group because the bus lost its events (or, with --reconcile, for any
reason); 1 otherwise; 2 for a usage error or an invalid worker setting.`;

function usage(message: string): never {
  writeSync(2, `${message}\nTry: npm start -- --help\n`);
  process.exit(2);
}

function integer(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    usage(`--${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}

// The worker targets the Lambda runtime nodejs24.x (engines: >=24); `npm start` runs on the pinned Node 24.
const nodeMajor = Number(process.versions.node.split('.')[0]);
if (nodeMajor < 24) {
  usage(
    `Node ${process.versions.node}: the worker runs on Node 24 (the Lambda runtime). ` +
      'Run it with `npm start`, which uses the Node 24 pinned in devDependencies.',
  );
}

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      faults: { type: 'string', default: 'none' },
      seed: { type: 'string', default: '1' },
      reconcile: { type: 'boolean', default: false },
      generate: { type: 'string', default: '0' },
      'batch-size': { type: 'string', default: '10' },
      'batching-window-ms': { type: 'string', default: '0' },
      concurrency: { type: 'string', default: '1' },
      'function-timeout-seconds': { type: 'string', default: '30' },
      'max-receive-count': { type: 'string', default: '5' },
      'wait-time-seconds': { type: 'string', default: '20' },
      'max-invocations': { type: 'string', default: '1000' },
      'max-wall-seconds': { type: 'string', default: '120' },
      'outcome-timeout-seconds': { type: 'string', default: '3600' },
      'source-queue-url': { type: 'string' },
      'dlq-url': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      'raw-logs': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
try {
  parsed = parse();
} catch (error) {
  usage((error as Error).message);
}
const { values, positionals } = parsed;
if (values.help) {
  writeSync(1, `${HELP}\n`);
  process.exit(0);
}

let profile: ReturnType<typeof faultProfile>;
try {
  profile = faultProfile(values.faults);
} catch (error) {
  usage((error as Error).message);
}
const seed = integer('seed', values.seed, 0, 2 ** 31 - 1);
const generate = integer('generate', values.generate, 0, 10_000);
const batchSize = integer('batch-size', values['batch-size'], 1, 10);
const batchingWindowMs = integer('batching-window-ms', values['batching-window-ms'], 0, 300_000);
const concurrency = integer('concurrency', values.concurrency, 1, 1000);
const functionTimeoutMs =
  integer('function-timeout-seconds', values['function-timeout-seconds'], 1, 900) * 1000;
const maxReceiveCount = integer('max-receive-count', values['max-receive-count'], 1, 1000);
const waitTimeSeconds = integer('wait-time-seconds', values['wait-time-seconds'], 0, 20);
const maxInvocations = integer('max-invocations', values['max-invocations'], 1, 1_000_000);
const maxWallMs = integer('max-wall-seconds', values['max-wall-seconds'], 1, 86_400) * 1000;
const outcomeTimeoutMs =
  integer('outcome-timeout-seconds', values['outcome-timeout-seconds'], 0, 7 * 86_400) * 1000;

const sourceQueueUrl = values['source-queue-url'];
const dlqUrl = values['dlq-url'];
if ((sourceQueueUrl === undefined) !== (dlqUrl === undefined))
  usage('--source-queue-url and --dlq-url go together');
const external = sourceQueueUrl !== undefined && dlqUrl !== undefined;
if (!external) {
  for (const name of ['AWS_ENDPOINT_URL_DATAZONE', 'AWS_ENDPOINT_URL_SQS']) {
    if (process.env[name]) {
      usage(
        `${name} is set: to run against those endpoints give --source-queue-url and --dlq-url; ` +
          `unset it for a local run`,
      );
    }
  }
}
if (external && values.faults !== 'none') usage('--faults applies to the local DataZone only');
if (external && values.reconcile) usage('--reconcile applies to the local DataZone only');

const quiet = values.quiet;
// On a terminal: colour, and lines cut to its width; into a pipe or a file: plain and whole.
const displays = {
  stdout: displayFor(process.stdout, process.env),
  stderr: displayFor(process.stderr, process.env),
};
const progress = (line: string) => {
  if (!quiet) writeSync(2, `${fitLine(`runner › ${line}`, displays.stderr.width)}\n`);
};

let events: InputEvent[];
try {
  events = positionals.length > 0 ? loadEventFiles(positionals) : loadSampleEvents();
  if (generate > 0) events = [...events, ...generateCatalogEvents(loadCatalog(), { count: generate, seed })];
} catch (error) {
  usage((error as Error).message);
}
if (events.length === 0)
  usage(`no events to send (looked in ${positionals.length > 0 ? positionals.join(' ') : EVENTS_DIR})`);

// Settings a profile or the local defaults choose; the same variable in the environment wins.
const workerEnv: Record<string, string> = {};
for (const [name, value] of Object.entries({ ...LOCAL_WORKER_DEFAULTS, ...profile.workerEnv })) {
  workerEnv[name] = process.env[name] ?? value;
}

const world = external
  ? undefined
  : await startLocalWorld({
      seed,
      dataZoneFaults: profile.dataZone,
      ...(profile.lifecycle === undefined ? {} : { lifecycle: profile.lifecycle }),
      maxReceiveCount,
      // AWS recommends six times the function timeout.
      visibilityTimeoutSeconds: Math.ceil((6 * functionTimeoutMs) / 1000),
    });
const endpoints: ExternalEndpoints | NonNullable<typeof world> = world ?? {
  kind: 'external',
  sourceQueueUrl: sourceQueueUrl ?? '',
  deadLetterQueueUrl: dlqUrl ?? '',
};
if (world) {
  progress(
    `local DataZone ${world.dataZone.url}, local SQS ${world.sqs.url}; faults: ${profile.name} (${profile.description})`,
  );
}

let exitCode = 1;
try {
  const result = await runScenario({
    events,
    endpoints,
    workerEnv,
    echo: quiet
      ? 'none'
      : workerLogEcho({
          raw: values['raw-logs'],
          toStderr: values.json,
          displays,
          write: (stream, text) => writeSync(stream === 'stdout' ? 1 : 2, text),
        }),
    log: progress,
    faults: profile.name,
    seed,
    ...(profile.bus === undefined ? {} : { busFaults: profile.bus }),
    reconcile: values.reconcile,
    outcomeTimeoutMs,
    eventSource: {
      batchSize,
      batchingWindowMs,
      concurrency,
      functionTimeoutMs,
      waitTimeSeconds,
      limits: { maxInvocations, maxWallMs },
    },
  });
  const text = values.json
    ? `${JSON.stringify({ summary: result.summary, outcomes: result.outcomes, outcomeEvents: result.outcomeEvents, reconciledEvents: result.reconciledEvents }, null, 2)}\n`
    : fitSummary(formatSummary(result), displays.stdout.width);
  writeSync(1, text);
  exitCode = result.summary.ok ? 0 : 1;
} catch (error) {
  // A bad setting is the user's to fix, not a bug: the list of problems says it all, a stack trace would bury it.
  if (error instanceof ConfigurationError) {
    writeSync(2, `${error.message}\nTry: npm start -- --help\n`);
    exitCode = 2;
  } else {
    writeSync(2, `run failed: ${(error as Error).stack ?? String(error)}\n`);
  }
} finally {
  await world?.close();
}
process.exit(exitCode);
