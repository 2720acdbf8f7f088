// The worker's log lines as `npm start` shows them: one compact line each (time, outcome, asset, what happened),
// coloured by outcome on a terminal, instead of Powertools' 700 characters of JSON; or the JSON as it was written.
import { type Display, printable, renderSegments, type Segment, type Style } from './terminal.js';
import type { JsonLine, LineEcho } from './worker-output.js';

export interface LogView extends Display {
  /** The lines as the worker wrote them (Powertools JSON and EMF documents), uncut and uncoloured. */
  readonly raw: boolean;
}

/** What to print for one line the worker wrote; undefined for none (an EMF document: the summary totals them). */
export function viewWorkerLine(line: string, view: LogView): string | undefined {
  if (view.raw) return line;
  const fields = parseObject(line);
  if (fields === undefined) return renderSegments([{ text: printable(line) }], view);
  if (fields._aws !== undefined) return undefined;
  return compactLogLine(fields, view);
}

function parseObject(line: string): JsonLine | undefined {
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as JsonLine)
      : undefined;
  } catch {
    // Not JSON (a library's warning, say): shown as it is.
    return undefined;
  }
}

const OUTCOME_STYLE: Readonly<Record<string, Style>> = {
  started: 'green',
  'already-exists': 'dim',
  skipped: 'dim',
  retry: 'yellow',
  'dead-letter': 'red',
  'run-ended': 'cyan',
  'outcome-unreadable': 'yellow',
  'name-generation-ended': 'cyan',
};

/** Nothing happened to these: the whole line is dimmed, so the lines where something did stand out. */
const QUIET_OUTCOMES = new Set(['skipped', 'already-exists']);

const LEVEL_STYLE: Readonly<Record<string, Style>> = {
  CRITICAL: 'red',
  ERROR: 'red',
  WARN: 'yellow',
  DEBUG: 'dim',
  TRACE: 'dim',
};

/** Wide enough for the common outcomes ('already-exists'); the two rare long ones push their line along. */
const LABEL_WIDTH = 14;
/** An asset id (14 characters) and a one-digit revision. */
const SUBJECT_WIDTH = 16;

/** `12:00:01.234 started        ayzstznnx4dxyf@3 run d1lpjl4dbs33nk`: time, outcome or level, asset, detail. */
function compactLogLine(fields: JsonLine, display: Display): string {
  const outcome = text(fields.outcome);
  const level = text(fields.level) ?? 'LOG';
  const label = printable(outcome ?? level);
  const labelStyle = outcome === undefined ? LEVEL_STYLE[level] : OUTCOME_STYLE[outcome];
  const lineStyle: Style | undefined =
    outcome !== undefined && QUIET_OUTCOMES.has(outcome) ? 'dim' : undefined;
  const detail = outcome === undefined ? otherDetail(fields) : outcomeDetail(outcome, fields);
  const segments: Segment[] = [
    { text: clockTime(text(fields.timestamp)), style: 'dim' },
    { text: ' ' },
    { text: label, style: lineStyle ?? labelStyle },
    { text: ' '.repeat(Math.max(LABEL_WIDTH - label.length, 0) + 1) },
    // No asset (an event that is not an asset's): a dash keeps the detail column aligned.
    { text: `${printable(subjectOf(fields) ?? '-').padEnd(SUBJECT_WIDTH)} `, style: lineStyle },
    { text: printable(detail), style: lineStyle },
  ];
  return renderSegments(segments, display);
}

/** The time of day of an ISO timestamp, to the millisecond: the date is the run's, the same on every line. */
function clockTime(timestamp: string | undefined): string {
  const match = /T(\d\d:\d\d:\d\d)(?:\.(\d+))?/.exec(timestamp ?? '');
  return match ? `${match[1]}.${(match[2] ?? '').padEnd(3, '0').slice(0, 3)}` : '--:--:--.---';
}

function subjectOf(fields: JsonLine): string | undefined {
  const assetId = text(fields.assetId);
  if (assetId === undefined) return text(fields.domainId);
  const revision = text(fields.revision);
  return revision === undefined ? assetId : `${assetId}@${revision}`;
}

/** What happened, in the worker's own words, the most telling first: a cut line keeps it. */
function outcomeDetail(outcome: string, fields: JsonLine): string {
  const runId = text(fields.runId);
  const runStatus = text(fields.runStatus);
  const error = errorOf(fields);
  switch (outcome) {
    case 'started': {
      const groups = Array.isArray(fields.groups) ? fields.groups.length : 0;
      return `run ${runId ?? '?'}${groups > 1 ? ` (${groups} generation groups)` : ''}`;
    }
    case 'already-exists':
      return error ?? `run ${runId ?? '?'}`;
    case 'retry': {
      const after = text(fields.visibilityTimeoutSeconds);
      const cause = `${text(fields.retryCause) ?? 'retry'}${after === undefined ? '' : `, back in ${after} s`}`;
      return joined(cause, error);
    }
    case 'dead-letter':
      return joined(runId === undefined ? undefined : `run ${runId} ${runStatus ?? '?'}`, error);
    case 'run-ended':
      return `run ${runId ?? '?'} ${runStatus ?? '?'}${nextStep(fields, runStatus)}`;
    case 'name-generation-ended':
      return runStatus ?? '';
    default:
      return text(fields.reason) ?? error ?? text(fields.message) ?? '';
  }
}

/** A run's next attempt, or why there is none unless that is only its status again. */
function nextStep(fields: JsonLine, runStatus: string | undefined): string {
  const next = fields.nextRun;
  if (typeof next === 'object' && next !== null) {
    const { attempt, runId } = next as Record<string, unknown>;
    return ` → attempt ${text(attempt) ?? '?'}: run ${text(runId) ?? '?'}`;
  }
  const why = text(fields.why);
  return why === undefined || why === `status ${runStatus}` ? '' : ` → ${why}`;
}

/** Powertools' own keys: the same on every line of an invocation, and in the JSON for whoever needs them. */
const POWERTOOLS_KEYS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'sampling_rate',
  'xray_trace_id',
]);

/** A line that is not a record's outcome (a failed visibility change, a sweep's progress): message and fields. */
function otherDetail(fields: JsonLine): string {
  const shown = new Set([...POWERTOOLS_KEYS, 'assetId', 'revision', 'domainId']);
  const rest = Object.entries(fields)
    .filter(([key, value]) => !shown.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return [text(fields.message) ?? '', ...rest].filter((part) => part !== '').join('  ');
}

function errorOf(fields: JsonLine): string | undefined {
  const name = text(fields.errorName);
  const message = text(fields.errorMessage);
  if (name === undefined) return message;
  return message === undefined ? name : `${name}: ${message}`;
}

const joined = (...parts: (string | undefined)[]): string =>
  parts.filter((part) => part !== undefined && part !== '').join('  ');

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export interface WorkerLogEchoOptions {
  readonly raw: boolean;
  /** Every line to stderr, keeping stdout for the JSON summary. */
  readonly toStderr: boolean;
  readonly displays: Readonly<Record<'stdout' | 'stderr', Display>>;
  readonly write: (stream: 'stdout' | 'stderr', text: string) => void;
}

/** Prints each line the worker writes as it comes, on its own stream (or stderr), fitted to that stream. */
export function workerLogEcho(options: WorkerLogEchoOptions): LineEcho {
  return (line, stream) => {
    const to = options.toStderr ? 'stderr' : stream;
    const shown = viewWorkerLine(line, { ...options.displays[to], raw: options.raw });
    if (shown !== undefined) options.write(to, `${shown}\n`);
  };
}
