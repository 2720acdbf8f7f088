// A local stand-in for Amazon SQS speaking the JSON protocol (awsJson1_0, query-compatible errors), for
// development and tests only. Standard queues only (no FIFO). Never import this from src/.
//
// Queues are identified by the last path segment of QueueUrl, whatever its host: the worker derives queue URLs
// from eventSourceARN (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME) and sends them here through a client built
// with `endpoint` + `useQueueUrlAsEndpoint: false`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, isRecord, listen, readBody } from '../http-util.js';
import { SqsError } from './errors.js';
import { localSqs } from './handle.js';
import type { Operation } from './operation.js';
import { respond, respondError } from './protocol.js';
import { SERVICE_MAX_MESSAGE_BYTES } from './queues.js';
import { route } from './routes.js';
import { expire, queueFromUrl, type SqsState } from './state.js';
import type { LocalSqs, LocalSqsOptions, SqsRecordedRequest } from './types.js';

/** Fails the request when a fault names its queue and operation (and has not run out of `times`). */
function applyFaults(state: SqsState, operation: Operation, queue: string): void {
  for (const f of state.faults) {
    const ops = f.operations ?? ['SendMessage', 'SendMessageBatch'];
    if (f.queue !== queue || !ops.includes(operation.name)) continue;
    const hits = state.faultHits.get(f) ?? 0;
    if (f.times !== undefined && hits >= f.times) continue;
    state.faultHits.set(f, hits + 1);
    throw new SqsError(f.error);
  }
}

/** Resolves the queue first, so that faults and records name it. */
async function dispatch(
  state: SqsState,
  operation: Operation,
  request: { body: Record<string, unknown>; record: SqsRecordedRequest; response: ServerResponse },
): Promise<unknown> {
  const queue = operation.queueOf?.(state, request.body) ?? queueFromUrl(state, request.body.QueueUrl);
  request.record.queue = queue.name;
  expire(state, queue);
  applyFaults(state, operation, queue.name);
  return operation.handle({ state, ...request }, queue);
}

async function handle(state: SqsState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = await readBody(req, 2 * SERVICE_MAX_MESSAGE_BYTES + 65_536);
  const target = String(req.headers['x-amz-target'] ?? '');
  const rec: SqsRecordedRequest = {
    seq: ++state.requestSeq,
    operation: target.startsWith('AmazonSQS.') ? target.slice('AmazonSQS.'.length) : target,
    body: undefined,
    notes: [],
    receivedAt: state.now(),
  };
  state.requests.push(rec);
  try {
    let body: unknown;
    try {
      body = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
    } catch {
      throw new SqsError('SerializationException', 'The request body is not valid JSON.');
    }
    rec.body = body;
    const operation = req.method === 'POST' ? route(target) : undefined;
    if (operation === undefined) {
      throw new SqsError(
        'UnknownOperation',
        `Unknown or unsupported operation '${target}' (${req.method} ${req.url}).`,
      );
    }
    if (!isRecord(body))
      throw new SqsError('SerializationException', 'The request body must be a JSON object.');
    const out = await dispatch(state, operation, { body, record: rec, response: res });
    respond(res, rec, state.now(), 200, out);
  } catch (e) {
    respondError(res, rec, state.now(), e instanceof SqsError ? e : new SqsError('InternalError', String(e)));
  }
}

export async function startLocalSqs(options: LocalSqsOptions = {}): Promise<LocalSqs> {
  const state: SqsState = {
    now: options.now ?? Date.now,
    region: 'eu-west-1',
    accountId: '000000000000',
    maxLongPollMs: options.maxLongPollMs ?? 20_000,
    queues: new Map(),
    receipts: new Map(),
    requests: [],
    requestSeq: 0,
    faults: [...(options.faults ?? [])],
    faultHits: new Map(),
    moveTasks: new Map(),
    waiters: new Map(),
    pendingTimers: new Set(),
    closing: false,
    baseUrl: '',
  };
  const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    handle(state, req, res).catch((e: unknown) => {
      if (!res.headersSent && !res.destroyed) res.writeHead(500).end(String(e));
    });
  });
  const port = await listen(server, options.port ?? 0, '127.0.0.1');
  state.baseUrl = `http://127.0.0.1:${port}`;
  const sqs = localSqs(state, port, async () => {
    state.closing = true;
    for (const set of state.waiters.values()) for (const w of [...set]) w();
    for (const timer of state.pendingTimers) clearTimeout(timer);
    await closeServer(server);
  });
  for (const [name, o] of Object.entries(options.queues ?? {})) sqs.createQueue(name, o);
  return sqs;
}
