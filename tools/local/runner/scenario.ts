// A local run of the worker, start to finish: endpoints (local stand-ins on a virtual clock, or real ones), the
// worker's environment, the events sent to the source queue, the event source loop invoking the real handler,
// then what became of every event. `npm start` (run.ts) and the end-to-end tests both go through runScenario.
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Catalog } from '../datazone/catalog.js';
import { startLocalDataZone } from '../datazone/server.js';
import type { DataZoneFaults, DataZoneSummary, LocalDataZone, RunLifecycle } from '../datazone/types.js';
import { startLocalSqs } from '../sqs/server.js';
import type { LocalSqs } from '../sqs/types.js';
import { type Accounting, accountFor, type DeadLetter, type SentEvent } from './accounting.js';
import type { InputEvent } from './event-files.js';
import { type EventSourceOptions, type EventSourceResult, runEventSource } from './event-source.js';
import { LOCAL_WORKER_DEFAULTS } from './fault-profiles.js';
import type { LambdaHandler } from './lambda-invocation.js';
import { type VirtualTime, virtualTime } from './virtual-time.js';
import { captureWorkerOutput, type JsonLine } from './worker-output.js';

export interface LocalWorldOptions {
  /** Seeds the DataZone endpoint's random faults and run ids. Default 1. */
  readonly seed?: number;
  readonly dataZoneFaults?: DataZoneFaults;
  readonly lifecycle?: RunLifecycle;
  /** What a second in-progress run collides with at DataZone: the same revision (default) or any of the asset. */
  readonly conflictScope?: 'revision' | 'asset';
  /** The source queue's redrive policy. Default 5 (AWS's recommended minimum). */
  readonly maxReceiveCount?: number;
  /** The source queue's visibility timeout. Default 180 s: six times the default function timeout. */
  readonly visibilityTimeoutSeconds?: number;
  readonly catalog?: Catalog | string | URL;
  readonly sourceQueue?: string;
  readonly deadLetterQueue?: string;
}

/** Local DataZone and SQS in this process, on one virtual clock. */
export interface LocalWorld {
  readonly kind: 'local';
  readonly time: VirtualTime;
  readonly dataZone: LocalDataZone;
  readonly sqs: LocalSqs;
  readonly sourceQueue: string;
  readonly deadLetterQueue: string;
  readonly maxReceiveCount: number;
  /** Receive count at which each message was last settled by an invocation (for virtual time). */
  readonly settled: Map<string, number>;
  close(): Promise<void>;
}

/** Real (or separately started) endpoints: nothing is started, time is real. */
export interface ExternalEndpoints {
  readonly kind: 'external';
  readonly sourceQueueUrl: string;
  readonly deadLetterQueueUrl: string;
  /** Default: AWS_REGION, else the region of the source queue's ARN. */
  readonly region?: string;
  /** For the runner's own SQS client; default: the SDK's environment (AWS_ENDPOINT_URL_SQS, credentials). */
  readonly sqsEndpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export async function startLocalWorld(options: LocalWorldOptions = {}): Promise<LocalWorld> {
  const time = virtualTime();
  const sourceQueue = options.sourceQueue ?? 'datazone-metagen-worker-local-source';
  const deadLetterQueue = options.deadLetterQueue ?? 'datazone-metagen-worker-local-dlq';
  const maxReceiveCount = options.maxReceiveCount ?? 5;
  const dataZone = await startLocalDataZone({
    now: time.now,
    seed: options.seed ?? 1,
    ...(options.catalog === undefined ? {} : { catalog: options.catalog }),
    ...(options.lifecycle === undefined ? {} : { lifecycle: options.lifecycle }),
    ...(options.conflictScope === undefined ? {} : { conflictScope: options.conflictScope }),
    ...(options.dataZoneFaults === undefined ? {} : { faults: options.dataZoneFaults }),
  });
  let sqs: LocalSqs;
  try {
    sqs = await startLocalSqs({
      now: time.now,
      queues: {
        [deadLetterQueue]: { messageRetentionSeconds: 1_209_600 },
        [sourceQueue]: {
          visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 180,
          redrive: { deadLetterQueue, maxReceiveCount },
        },
      },
    });
  } catch (error) {
    await dataZone.close();
    throw error;
  }
  return {
    kind: 'local',
    time,
    dataZone,
    sqs,
    sourceQueue,
    deadLetterQueue,
    maxReceiveCount,
    settled: new Map(),
    close: async () => {
      await Promise.all([dataZone.close(), sqs.close()]);
    },
  };
}

/** Loads one container's handler with the worker's environment already set. */
export type HandlerLoader = (
  env: Readonly<Record<string, string>>,
  container: number,
) => Promise<LambdaHandler>;

/**
 * As Lambda does: set the environment, then import the handler module (config and clients are built at import).
 * Each container imports its own module instance.
 */
export const importHandler: HandlerLoader = async (env, container) => {
  Object.assign(process.env, env);
  const module = (await import(`../../../src/functions/worker.js?container=${container}`)) as {
    handler: LambdaHandler;
  };
  return module.handler;
};

export type EventSourceSettings = Pick<
  EventSourceOptions,
  | 'batchSize'
  | 'batchingWindowMs'
  | 'waitTimeSeconds'
  | 'concurrency'
  | 'functionTimeoutMs'
  | 'limits'
  | 'onInvocation'
>;

export interface ScenarioOptions {
  readonly events: readonly InputEvent[];
  /** Where to run. Default: a local world started for this run (with `world`) and closed after it. */
  readonly endpoints?: LocalWorld | ExternalEndpoints;
  readonly world?: LocalWorldOptions;
  /** Worker environment on top of LOCAL_WORKER_DEFAULTS (endpoints, region and the DLQ URL are set here). */
  readonly workerEnv?: Readonly<Record<string, string>>;
  readonly loadHandler?: HandlerLoader;
  readonly eventSource?: EventSourceSettings;
  /** Echo the worker's output: on its own streams, all on stderr, or not at all (default). */
  readonly echo?: 'same' | 'stderr' | 'none';
  /** The runner's progress lines. */
  readonly log?: (line: string) => void;
  /** Shown in the summary. */
  readonly faults?: string;
  readonly seed?: number;
}

export interface DeadLetterEntry extends DeadLetter {
  /** Whether it belongs to an event of this run. */
  readonly ofThisRun: boolean;
}

export interface ScenarioSummary {
  /** The invariant holds and the event source finished by draining the queue. */
  readonly ok: boolean;
  readonly events: number;
  readonly totals: Accounting['totals'];
  readonly violations: readonly string[];
  /** Runs at the local DataZone endpoint (all of the world's, not only this run's). */
  readonly runs?: { readonly total: number; readonly assetRevisions: number };
  readonly eventSource: Omit<EventSourceResult, 'reports'>;
  readonly dataZone?: DataZoneSummary & { readonly callsPerEvent: number };
  readonly sqs?: Record<string, number>;
  readonly metrics: Record<string, number>;
  readonly deadLetterQueue: readonly DeadLetterEntry[];
  readonly settings: {
    readonly endpoints: 'local' | 'external';
    readonly dataZoneUrl?: string;
    readonly sqsUrl?: string;
    readonly sourceQueueUrl: string;
    readonly deadLetterQueueUrl: string;
    readonly faults: string;
    readonly seed?: number;
    readonly batchSize: number;
    readonly batchingWindowMs: number;
    readonly concurrency: number;
    readonly functionTimeoutMs: number;
    readonly maxReceiveCount?: number;
    readonly workerEnv: Readonly<Record<string, string>>;
  };
}

export interface ScenarioResult {
  readonly outcomes: Accounting['outcomes'];
  readonly summary: ScenarioSummary;
  readonly accounting: Accounting;
  readonly sent: readonly SentEvent[];
  readonly eventSource: EventSourceResult;
  /** The worker's parsed output: log lines and EMF documents. */
  readonly output: readonly JsonLine[];
  /** The local endpoints (still inspectable after the run, even if closed). */
  readonly world?: LocalWorld;
  readonly dataZone?: LocalDataZone;
  readonly sqs?: LocalSqs;
}

const FUNCTION_NAME = 'datazone-metagen-worker-local-worker';

/** What the Lambda runtime sets in a function's environment (Powertools reads the initialization type). */
export function lambdaRuntimeEnv(functionName: string, region: string): Record<string, string> {
  return {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
  };
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const owned = options.endpoints === undefined ? await startLocalWorld(options.world) : undefined;
  const endpoints = options.endpoints ?? owned;
  if (endpoints === undefined) throw new Error('no endpoints');
  try {
    return await runOn(endpoints, options);
  } finally {
    await owned?.close();
  }
}

async function runOn(
  endpoints: LocalWorld | ExternalEndpoints,
  options: ScenarioOptions,
): Promise<ScenarioResult> {
  const log = options.log ?? (() => undefined);
  const local = endpoints.kind === 'local' ? endpoints : undefined;
  const region = local
    ? local.sqs.region
    : ((endpoints as ExternalEndpoints).region ??
      process.env.AWS_REGION ??
      /^sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(
        new URL((endpoints as ExternalEndpoints).sourceQueueUrl).host,
      )?.[1]);

  const sqs = local
    ? new SQSClient({
        endpoint: local.sqs.url,
        region: local.sqs.region,
        credentials: LOCAL_CREDENTIALS,
        useQueueUrlAsEndpoint: false,
      })
    : externalClient(endpoints as ExternalEndpoints, region);
  try {
    const sourceQueueUrl = local
      ? local.sqs.queueUrl(local.sourceQueue)
      : (endpoints as ExternalEndpoints).sourceQueueUrl;
    const deadLetterQueueUrl = local
      ? local.sqs.queueUrl(local.deadLetterQueue)
      : (endpoints as ExternalEndpoints).deadLetterQueueUrl;
    const queueArn = local ? local.sqs.queueArn(local.sourceQueue) : await queueArnOf(sqs, sourceQueueUrl);
    const arnRegion = queueArn.split(':')[3] ?? '';
    const workerEnv: Record<string, string> = {
      ...LOCAL_WORKER_DEFAULTS,
      ...options.workerEnv,
      ...lambdaRuntimeEnv(FUNCTION_NAME, region ?? arnRegion),
      DEAD_LETTER_QUEUE_URL: deadLetterQueueUrl,
      ...(local
        ? {
            AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
            AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
            AWS_ENDPOINT_URL_DATAZONE: local.dataZone.url,
            AWS_ENDPOINT_URL_SQS: local.sqs.url,
          }
        : {}),
    };

    const sent = await sendEvents(sqs, sourceQueueUrl, options.events, log);
    const settings = options.eventSource ?? {};
    const loadHandler = options.loadHandler ?? importHandler;
    const capture = captureWorkerOutput({ echo: options.echo ?? 'none' });
    let eventSource: EventSourceResult;
    try {
      eventSource = await runEventSource({
        ...settings,
        sqs,
        functionName: FUNCTION_NAME,
        queueUrl: sourceQueueUrl,
        queueArn,
        region: arnRegion,
        loadContainer: (container) => loadHandler(workerEnv, container),
        log,
        ...(local
          ? {
              settled: local.settled,
              virtualTime: { time: local.time, peek: () => local.sqs.peek(local.sourceQueue) },
            }
          : {}),
      });
    } finally {
      capture.restore();
    }

    const ids = new Set(sent.flatMap((e) => (e.messageId === undefined ? [] : [e.messageId])));
    const deadLetters = local ? localDeadLetters(local) : await externalDeadLetters(sqs, deadLetterQueueUrl);
    const relevant = (d: DeadLetter) =>
      ids.has(d.attributes.SourceMessageId ?? '') || (d.redrivenFrom !== undefined && ids.has(d.messageId));
    const deadLettersOfRun = deadLetters.filter(relevant);
    let leftInSource: Set<string> | undefined;
    if (local) leftInSource = new Set(local.sqs.peek(local.sourceQueue).map((m) => m.messageId));
    else if (!eventSource.drained) {
      // A real queue cannot be listed: what has no final outcome and is not in the DLQ is taken as still there.
      const finished = new Set(
        capture
          .logs()
          .filter((l) => ['started', 'already-exists', 'skipped', 'dead-letter'].includes(String(l.outcome)))
          .map((l) => String(l.messageId)),
      );
      for (const d of deadLettersOfRun) finished.add(d.attributes.SourceMessageId ?? d.messageId);
      leftInSource = new Set([...ids].filter((id) => !finished.has(id)));
    }
    const accounting = accountFor({
      events: sent,
      logs: capture.logs(),
      deadLetters: deadLettersOfRun,
      ...(leftInSource === undefined ? {} : { leftInSource }),
      ...(local ? { runs: local.dataZone.runs } : {}),
    });
    const violations = [...accounting.violations];
    if (eventSource.stoppedBy !== undefined)
      violations.push(`the event source stopped early: ${eventSource.stoppedBy}`);

    const { reports: _reports, ...eventSourceTotals } = eventSource;
    const dzSummary = local?.dataZone.summary();
    const summary: ScenarioSummary = {
      ok: violations.length === 0,
      events: sent.length,
      totals: accounting.totals,
      violations,
      ...(local
        ? {
            runs: {
              total: local.dataZone.runs.length,
              assetRevisions: new Set(
                local.dataZone.runs.map((r) => `${r.domainId}/${r.target.identifier}@${r.target.revision}`),
              ).size,
            },
          }
        : {}),
      eventSource: eventSourceTotals,
      ...(dzSummary === undefined
        ? {}
        : {
            dataZone: {
              ...dzSummary,
              callsPerEvent:
                sent.length === 0 ? 0 : Math.round((dzSummary.requests / sent.length) * 100) / 100,
            },
          }),
      ...(local ? { sqs: local.sqs.countsByOperation() } : {}),
      metrics: capture.metrics(),
      deadLetterQueue: deadLetters.map((d) => ({ ...d, ofThisRun: relevant(d) })),
      settings: {
        endpoints: endpoints.kind,
        ...(local ? { dataZoneUrl: local.dataZone.url, sqsUrl: local.sqs.url } : {}),
        sourceQueueUrl,
        deadLetterQueueUrl,
        faults: options.faults ?? 'none',
        ...(options.seed === undefined ? {} : { seed: options.seed }),
        batchSize: settings.batchSize ?? 10,
        batchingWindowMs: settings.batchingWindowMs ?? 0,
        concurrency: settings.concurrency ?? 1,
        functionTimeoutMs: settings.functionTimeoutMs ?? 30_000,
        ...(local ? { maxReceiveCount: local.maxReceiveCount } : {}),
        workerEnv: Object.fromEntries(
          Object.entries(workerEnv).filter(
            ([name]) => !name.startsWith('AWS_SECRET') && !name.startsWith('AWS_ACCESS'),
          ),
        ),
      },
    };
    return {
      outcomes: accounting.outcomes,
      summary,
      accounting,
      sent,
      eventSource,
      output: capture.lines,
      ...(local ? { world: local, dataZone: local.dataZone, sqs: local.sqs } : {}),
    };
  } finally {
    sqs.destroy();
  }
}

function externalClient(endpoints: ExternalEndpoints, region: string | undefined): SQSClient {
  return new SQSClient({
    useQueueUrlAsEndpoint: false,
    ...(region === undefined ? {} : { region }),
    ...(endpoints.sqsEndpoint === undefined ? {} : { endpoint: endpoints.sqsEndpoint }),
    ...(endpoints.credentials === undefined ? {} : { credentials: { ...endpoints.credentials } }),
  });
}

async function queueArnOf(sqs: SQSClient, queueUrl: string): Promise<string> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = out.Attributes?.QueueArn;
  if (arn === undefined) throw new Error(`GetQueueAttributes(${queueUrl}) returned no QueueArn`);
  return arn;
}

/** SendMessageBatch, 10 at a time; entries SQS refuses are retried twice, then reported as not sent. */
async function sendEvents(
  sqs: SQSClient,
  queueUrl: string,
  events: readonly InputEvent[],
  log: (line: string) => void,
): Promise<SentEvent[]> {
  const sent: SentEvent[] = events.map((event, i) => ({
    index: i + 1,
    label: event.label,
    body: event.body,
  }));
  let pending = sent.map((_, i) => i);
  for (let attempt = 1; attempt <= 3 && pending.length > 0; attempt++) {
    const failed: number[] = [];
    for (let start = 0; start < pending.length; start += 10) {
      const chunk = pending.slice(start, start + 10);
      try {
        const out = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((i) => ({ Id: String(i), MessageBody: events[i]?.body ?? '' })),
          }),
        );
        for (const ok of out.Successful ?? []) {
          const i = Number(ok.Id);
          const event = sent[i];
          if (event !== undefined && ok.MessageId !== undefined)
            sent[i] = { ...event, messageId: ok.MessageId };
        }
        for (const failure of out.Failed ?? []) {
          const i = Number(failure.Id);
          failed.push(i);
          const event = sent[i];
          if (event !== undefined) sent[i] = { ...event, sendError: `${failure.Code}: ${failure.Message}` };
        }
      } catch (error) {
        failed.push(...chunk);
        for (const i of chunk) {
          const event = sent[i];
          if (event !== undefined)
            sent[i] = { ...event, sendError: `${(error as Error).name}: ${(error as Error).message}` };
        }
      }
    }
    pending = failed;
  }
  log(
    `sent ${sent.filter((e) => e.messageId !== undefined).length} of ${sent.length} event(s) to ${queueUrl}`,
  );
  return sent;
}

function localDeadLetters(world: LocalWorld): DeadLetter[] {
  return world.sqs.peek(world.deadLetterQueue).map((m) => ({
    messageId: m.messageId,
    body: m.body,
    attributes: Object.fromEntries(
      Object.entries(m.messageAttributes).flatMap(([name, a]) =>
        a.StringValue === undefined ? [] : [[name, a.StringValue]],
      ),
    ),
    ...(m.deadLetterQueueSourceArn === undefined ? {} : { redrivenFrom: m.deadLetterQueueSourceArn }),
    receiveCount: m.receiveCount,
  }));
}

/**
 * A real DLQ cannot be read without receiving: messages are received with a visibility timeout of 0 (they stay
 * available) until a few receives bring nothing new. Approximate, as SQS is.
 */
async function externalDeadLetters(sqs: SQSClient, queueUrl: string): Promise<DeadLetter[]> {
  const seen = new Map<string, DeadLetter>();
  let quiet = 0;
  for (let round = 0; round < 50 && quiet < 3; round++) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    let fresh = 0;
    for (const m of out.Messages ?? []) {
      if (m.MessageId === undefined || seen.has(m.MessageId)) continue;
      fresh += 1;
      const source = m.Attributes?.DeadLetterQueueSourceArn;
      seen.set(m.MessageId, {
        messageId: m.MessageId,
        body: m.Body ?? '',
        attributes: Object.fromEntries(
          Object.entries(m.MessageAttributes ?? {}).flatMap(([name, a]) =>
            a.StringValue === undefined ? [] : [[name, a.StringValue]],
          ),
        ),
        ...(source === undefined ? {} : { redrivenFrom: source }),
        receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
      });
    }
    quiet = fresh === 0 ? quiet + 1 : 0;
  }
  return [...seen.values()];
}
