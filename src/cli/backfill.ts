/**
 * npm run backfill -- --domain dzd_… [--project …] [--asset-type …] [--published-only] [--dry-run]
 *   [--max-assets N] [--rate R] [--queue-url URL]
 * Sweeps a domain's assets once, at R DataZone requests per second (the share of the account's budget the
 * backfill may spend), and puts an event on the worker's source queue for each asset revision without a run.
 * Against AWS with the user's credentials and region, or local endpoints with AWS_ENDPOINT_URL_*. Ctrl-C stops
 * after the current page; running it again is safe (revisions with runs are passed over).
 */
import { parseArgs } from 'node:util';
import { generationGroups } from '../core/generation-types.js';
import { summarise } from '../core/outcome.js';
import { sweepSeconds } from '../core/reconciliation.js';
import { createDataZoneClient } from '../datazone/client.js';
import { oneBucketForAll, RequestBudget } from '../datazone/request-budget.js';
import { DataZoneSweepCalls, SEARCH_PAGE_LIMIT } from '../datazone/sweep-calls.js';
import { TokenBucket } from '../datazone/token-bucket.js';
import { SqsEventQueue } from '../queues/event-queue.js';
import { createSqsClient } from '../queues/sqs.js';
import { loadConfig } from '../runtime/config.js';
import { InvocationDeadline } from '../runtime/deadline.js';
import { addCounts, NO_COUNTS, sweepPage } from '../sweep/sweep.js';
import { missingLine, progressLine, summaryTable } from './backfill-report.js';

const { values } = parseArgs({
  options: {
    domain: { type: 'string' },
    project: { type: 'string' },
    'asset-type': { type: 'string', multiple: true },
    'published-only': { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
    'max-assets': { type: 'string' },
    rate: { type: 'string', default: '1' },
    'queue-url': { type: 'string' },
  },
});

function fail(message: string): never {
  process.stderr.write(`backfill: ${message}\n`);
  process.exit(2);
}

const domainId = values.domain ?? fail('--domain is required (a DataZone domain id, dzd_…)');
const rate = Number(values.rate);
if (!(rate > 0)) fail(`--rate must be a positive number of requests per second, got "${values.rate}"`);
const maxAssets =
  values['max-assets'] === undefined ? Number.POSITIVE_INFINITY : Number(values['max-assets']);
if (!(maxAssets > 0)) fail(`--max-assets must be a positive number, got "${values['max-assets']}"`);
const dryRun = values['dry-run'];
const queueUrl = values['queue-url'] ?? process.env.SOURCE_QUEUE_URL;
if (!dryRun && queueUrl === undefined) fail('--queue-url (or SOURCE_QUEUE_URL) is required unless --dry-run');
const worker = loadConfig({ ...process.env, DEAD_LETTER_QUEUE_URL: 'https://unused.invalid/q' });

const clock = Date.now;
const deadline = new InvocationDeadline(clock);
// The longest a timer can wait (about 24 days): a backfill has no invocation deadline, only Ctrl-C.
deadline.start(2 ** 31 - 1, 0);
const datazone = new DataZoneSweepCalls(
  createDataZoneClient(worker.datazoneRequestTimeoutMs),
  // --rate is the backfill's total, whatever the operation.
  new RequestBudget(
    oneBucketForAll(new TokenBucket({ ratePerSecond: rate, burst: 1, now: clock })),
    deadline,
    clock,
  ),
  deadline,
  clock,
);
const queue =
  dryRun || queueUrl === undefined ? undefined : new SqsEventQueue(createSqsClient(5000), queueUrl);
const settings = {
  domainId,
  owningProjectId: values.project,
  assetTypes: new Set(values['asset-type'] ?? worker.supportedAssetTypes),
  publishedOnly: values['published-only'],
  groups: generationGroups(worker.generationTypes),
  origin: 'backfill' as const,
  retry: worker,
  sweepId: `backfill/${new Date(clock()).toISOString()}`,
};

let stopping = false;
process.on('SIGINT', () => {
  if (stopping) process.exit(130);
  stopping = true;
  process.stderr.write('\nstopping after this page (Ctrl-C again to quit at once)\n');
});

const tty = process.stderr.isTTY === true;
/** A page that fails in a way that may pass (a throttle, a timeout) is swept again after a pause, a few times. */
const PAGE_ATTEMPTS = 5;

/** A page asks for no more assets than --max-assets leaves, and for at most Search's limit. */
async function sweptWithRetries(token: string | undefined, assetsLeft: number) {
  const pageSettings = { ...settings, pageSize: Math.min(SEARCH_PAGE_LIMIT, assetsLeft) };
  for (let attempt = 1; ; attempt++) {
    // A session per page: a throttle stops the rest of its page (the batch breaker), not the whole backfill.
    const session = datazone.sweepSession();
    try {
      return await sweepPage(token, pageSettings, {
        datazone: session,
        queue,
        clock,
        warn: (message, fields) => process.stderr.write(`${message}: ${JSON.stringify(fields)}\n`),
      });
    } catch (error) {
      const { name, message } = summarise(error);
      if (attempt >= PAGE_ATTEMPTS || stopping) {
        process.stderr.write(`\nbackfill stopped: ${name}: ${message}\n`);
        process.exitCode = 1;
        return undefined;
      }
      const pauseMs = 1000 * 2 ** attempt;
      process.stderr.write(`\npage failed (${name}: ${message}); again in ${pauseMs / 1000} s\n`);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    } finally {
      session.close();
    }
  }
}
let counts = NO_COUNTS;
let nextToken: string | undefined;
let total: number | undefined;
do {
  const page = await sweptWithRetries(nextToken, maxAssets - counts.assetsScanned);
  if (page === undefined) break;
  counts = addCounts(counts, page.counts);
  nextToken = page.nextToken;
  total = page.totalMatchCount ?? total;
  if (dryRun) for (const missing of page.missing) process.stdout.write(`${missingLine(missing)}\n`);
  const left =
    total === undefined ? Number.NaN : Math.max(0, Math.min(total, maxAssets) - counts.assetsScanned);
  const line = progressLine(counts, total, sweepSeconds(left, rate));
  process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
} while (nextToken !== undefined && !stopping && counts.assetsScanned < maxAssets);
deadline.finish();
process.stderr.write(tty ? '\n' : '');
process.stdout.write(`${summaryTable(counts, dryRun)}\n`);
if (stopping) process.exitCode = 130;
