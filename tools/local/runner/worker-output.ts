// Captures what the worker writes: Powertools log lines (JSON, INFO on stdout, WARN/ERROR on stderr) and EMF
// metric documents (JSON with `_aws`, on stdout). The runner reads outcomes from them; they are echoed unless
// the run is quiet.

export type JsonLine = Record<string, unknown>;

export interface WorkerOutput {
  /** Parsed JSON lines, in the order written (log lines and EMF documents). */
  readonly lines: JsonLine[];
  /** Log lines only (no EMF documents). */
  logs(): JsonLine[];
  /** Sum of each EMF metric over every document written. */
  metrics(): Record<string, number>;
  /** Writes to the real stdout/stderr, bypassing the capture (for the runner's own output). */
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Stops capturing; flushes any partial line. */
  restore(): void;
}

/** Receives each whole line the worker writes (without its newline) and the stream it wrote it to. */
export type LineEcho = (line: string, stream: 'stdout' | 'stderr') => void;

/**
 * Where to echo the worker's output: as written to its own stream, all to stderr (keeps stdout clean for
 * --json), nowhere, or line by line to a function that prints it its own way.
 */
export type Echo = 'same' | 'stderr' | 'none' | LineEcho;

export interface CaptureOptions {
  readonly echo: Echo;
}

type Write = typeof process.stdout.write;

export function captureWorkerOutput({ echo }: CaptureOptions): WorkerOutput {
  const lines: JsonLine[] = [];
  const originals = { stdout: process.stdout.write, stderr: process.stderr.write };
  const rawStdout = (text: string) => void originals.stdout.call(process.stdout, text);
  const rawStderr = (text: string) => void originals.stderr.call(process.stderr, text);
  const partial = { stdout: '', stderr: '' };

  const take = (line: string, stream: 'stdout' | 'stderr') => {
    if (line.trim() === '') return;
    if (typeof echo === 'function') echo(line, stream);
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        lines.push(parsed as JsonLine);
      }
    } catch {
      // Not a JSON line (a warning from a library, say): echoed, not parsed.
    }
  };

  const patch = (name: 'stdout' | 'stderr'): Write =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const pieces = (partial[name] + text).split('\n');
      partial[name] = pieces.pop() ?? '';
      for (const piece of pieces) take(piece, name);
      if (echo === 'same') (name === 'stdout' ? rawStdout : rawStderr)(text);
      else if (echo === 'stderr') rawStderr(text);
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as Write;

  process.stdout.write = patch('stdout');
  process.stderr.write = patch('stderr');
  let restored = false;

  return {
    lines,
    logs: () => lines.filter((line) => line._aws === undefined),
    metrics: () => sumMetrics(lines),
    stdout: rawStdout,
    stderr: rawStderr,
    restore() {
      if (restored) return;
      restored = true;
      process.stdout.write = originals.stdout;
      process.stderr.write = originals.stderr;
      take(partial.stdout, 'stdout');
      take(partial.stderr, 'stderr');
    },
  };
}

function sumMetrics(lines: readonly JsonLine[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const doc of lines) {
    const aws = doc._aws as { CloudWatchMetrics?: { Metrics?: { Name: string }[] }[] } | undefined;
    for (const definition of aws?.CloudWatchMetrics ?? []) {
      for (const { Name } of definition.Metrics ?? []) {
        const value = doc[Name];
        const values = Array.isArray(value) ? value : [value];
        totals[Name] = (totals[Name] ?? 0) + values.reduce((sum: number, v) => sum + Number(v), 0);
      }
    }
  }
  return totals;
}
