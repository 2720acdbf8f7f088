// A local stand-in for the Amazon DataZone endpoint (restJson1), for development and tests only.
// It speaks just enough of the wire protocol for the unmodified @aws-sdk/client-datazone: point the client's
// `endpoint` (or AWS_ENDPOINT_URL_DATAZONE) at `url`. Never import this from src/.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listen, readBody } from '../http-util.js';
import { createFaultInjector, type FaultInjector } from './faults.js';
import { createOutcomePublisher, type OutcomePublisher } from './outcome-events.js';
import { ApiError, sendError, sendResponse } from './protocol.js';
import { type Route, route } from './routes.js';
import { createState, type DataZoneState } from './state.js';
import type {
  DataZoneOperation,
  DataZoneSummary,
  LocalDataZone,
  LocalDataZoneOptions,
  RecordedRequest,
} from './types.js';

interface LocalServer {
  readonly state: DataZoneState;
  readonly faults: FaultInjector;
  readonly outcomes: OutcomePublisher;
  readonly requests: RecordedRequest[];
  readonly sleep: (ms: number) => Promise<void>;
  seq: number;
}

const drop = (server: LocalServer, req: IncomingMessage, rec: RecordedRequest): void => {
  rec.dropped = true;
  rec.respondedAt = server.state.now();
  req.socket.destroy();
};

/** Faults in their order: throttling, forced per asset, the hook, seeded 500s; then the operation itself. */
async function answer(
  server: LocalServer,
  r: Route,
  req: IncomingMessage,
  res: ServerResponse,
  rec: RecordedRequest,
): Promise<void> {
  const { state, faults } = server;
  const name = r.operation.name;
  const request = { pathParams: r.pathParams, query: rec.query, body: rec.body, record: rec };
  const throttled = !faults.takeToken(name);
  const delay = faults.latencyFor(name);
  if (delay > 0) await server.sleep(delay);
  try {
    if (throttled) throw new ApiError('ThrottlingException', 'Rate exceeded (local token bucket).');
    const asset = r.operation.assetOf?.(request);
    const byAsset =
      asset === undefined ? undefined : faults.forced(`asset:${asset}`, state.faults.forceErrors?.[asset]);
    if (byAsset) throw byAsset;
    const hooked = state.faults.hook?.({
      operation: name,
      pathParams: r.pathParams,
      query: rec.query,
      body: rec.body,
    });
    if (hooked === 'drop') return drop(server, req, rec);
    const byHook = faults.forced(`hook:${rec.seq}`, hooked);
    if (byHook) throw byHook;
    if (faults.internalError(name)) {
      throw new ApiError('InternalServerException', 'Internal error (local fault injection).');
    }
    sendResponse(res, rec, state.now(), 200, r.operation.handle(state, request));
  } catch (e) {
    sendError(
      res,
      rec,
      state.now(),
      e instanceof ApiError ? e : new ApiError('InternalServerException', String(e)),
    );
  }
}

async function handle(server: LocalServer, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { now } = server.state;
  const url = new URL(req.url ?? '/', 'http://localhost');
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const raw = await readBody(req);
  const rec: RecordedRequest = {
    seq: ++server.seq,
    operation: 'Unknown',
    method: req.method ?? 'GET',
    path: url.pathname,
    pathParams: {},
    query,
    body: undefined,
    dropped: false,
    ...(req.headers['user-agent'] === undefined ? {} : { userAgent: req.headers['user-agent'] }),
    receivedAt: now(),
  };
  server.requests.push(rec);
  try {
    rec.body = raw.length === 0 ? undefined : JSON.parse(raw.toString('utf8'));
  } catch {
    return sendError(res, rec, now(), new ApiError('ValidationException', 'Request body is not valid JSON.'));
  }
  const r = route(rec.method, url.pathname);
  if (!r) {
    const message = `No local operation for ${rec.method} ${url.pathname}.`;
    return sendError(res, rec, now(), new ApiError('UnknownOperationException', message));
  }
  rec.operation = r.operation.name;
  rec.pathParams = r.pathParams;
  if (server.faults.drops(r.operation.name)) return drop(server, req, rec);
  await answer(server, r, req, res, rec);
}

export async function startLocalDataZone(options: LocalDataZoneOptions = {}): Promise<LocalDataZone> {
  const state = createState(options);
  const faults = createFaultInjector(state, options.seed ?? 1);
  const pendingTimers = new Set<NodeJS.Timeout>();
  const server: LocalServer = {
    state,
    faults,
    outcomes: createOutcomePublisher(state, faults, options.eventBus),
    requests: [],
    seq: 0,
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          pendingTimers.delete(timer);
          resolve();
        }, ms);
        pendingTimers.add(timer);
      }),
  };
  const http = createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
    handle(server, req, res).catch((e: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, {
          'content-type': 'application/json',
          'x-amzn-errortype': 'InternalServerException',
        });
        res.end(JSON.stringify({ message: String(e) }));
      }
    });
  });
  const port = await listen(http, options.port ?? 0, '127.0.0.1');
  return localDataZone(server, `http://127.0.0.1:${port}`, port, async () => {
    for (const timer of pendingTimers) clearTimeout(timer);
    pendingTimers.clear();
    await closeServer(http);
  });
}

/** The handle tests and the runner hold: what the server recorded, and levers on its state. */
function localDataZone(
  server: LocalServer,
  url: string,
  port: number,
  close: () => Promise<void>,
): LocalDataZone {
  const { state, requests } = server;
  const { catalog, runs, runsById } = state;
  const countsByOperation = () => {
    const counts: Partial<Record<DataZoneOperation | 'Unknown', number>> = {};
    for (const r of requests) counts[r.operation] = (counts[r.operation] ?? 0) + 1;
    return counts;
  };
  return {
    url,
    port,
    catalog,
    requests,
    runs,
    close,
    setFaults(next) {
      state.faults = { ...state.faults, ...next };
      server.faults.reset();
    },
    clearFaults() {
      state.faults = {};
      server.faults.reset();
    },
    runsFor(domainId, assetId, revision) {
      return runs.filter(
        (r) =>
          r.domainId === domainId &&
          r.target.identifier === assetId &&
          (revision === undefined || r.target.revision === revision),
      );
    },
    setRunStatus(runId, status) {
      const run = runsById.get(runId);
      if (!run) throw new Error(`no run ${runId}`);
      run.statusOverride = status;
    },
    statusOf: (run) => state.statusOf(run),
    addRevision(domainId, assetId, revision) {
      const asset = catalog.domains.find((d) => d.id === domainId)?.assets.find((a) => a.id === assetId);
      if (!asset) throw new Error(`no asset ${assetId} in ${domainId}`);
      const next =
        revision ?? String(Math.max(0, ...asset.revisions.map((r) => Number(r.revision) || 0)) + 1);
      asset.revisions.push({ revision: next, createdAt: new Date(state.now()).toISOString() });
      return next;
    },
    countsByOperation,
    publishDue: () => server.outcomes.publishDue(),
    nextRunEndAt: () => server.outcomes.nextRunEndAt(),
    summary(): DataZoneSummary {
      const byStatus: Record<string, number> = {};
      const byError: Record<string, number> = {};
      for (const r of requests) {
        const key = r.dropped ? 'dropped' : String(r.status ?? 'pending');
        byStatus[key] = (byStatus[key] ?? 0) + 1;
        if (r.errorName) byError[r.errorName] = (byError[r.errorName] ?? 0) + 1;
      }
      return {
        requests: requests.length,
        byOperation: countsByOperation(),
        byStatus,
        byError,
        dropped: requests.filter((r) => r.dropped).length,
        runs: runs.length,
        replays: requests.filter((r) => r.replayed).length,
      };
    },
    reset() {
      requests.length = 0;
      runs.length = 0;
      runsById.clear();
      state.runsByToken.clear();
      server.faults.reset();
    },
  };
}
