/** Child processes of the benchmark: always the parent's own Node (npm's pinned Node 24), with a clean env. */
import { spawn } from 'node:child_process';
import { REPO_ROOT } from '../tools/bundles.js';

export interface ChildOptions {
  /** Variables beyond the minimal base (PATH, HOME, TMPDIR, dummy AWS credentials and region). */
  readonly env?: Readonly<Record<string, string>>;
  /** Run a TypeScript entry through tsx's loader. */
  readonly tsx?: boolean;
  /** Node flags before the script, e.g. --enable-source-maps or --cpu-prof. */
  readonly nodeFlags?: readonly string[];
  readonly timeoutMs?: number;
  /** Called when the child says it is ready (`{ ready: true }`, e.g. its container is loaded) before its result. */
  readonly onReady?: () => void;
}

export interface ChildRun<T> {
  readonly result: T;
  /** Bytes the child wrote to stdout (the worker's log lines and EMF metrics), drained and discarded. */
  readonly stdoutBytes: number;
  readonly stdout: string;
}

/**
 * No credentials or profile of the caller reach a child, nor NODE_OPTIONS: the SDK clients get dummy keys and
 * talk to the local endpoints only.
 */
function baseEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...extra };
}

/**
 * Runs a child and resolves with the first IPC message it sends other than `{ ready: true }`; a child that fails
 * or sends nothing rejects with the end of its stderr.
 */
export function runChild<T>(
  script: string,
  args: readonly string[],
  options: ChildOptions = {},
): Promise<ChildRun<T>> {
  const flags = [...(options.tsx ? ['--import', 'tsx'] : []), ...(options.nodeFlags ?? [])];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, script, ...args], {
      cwd: REPO_ROOT,
      env: baseEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      timeout: options.timeoutMs ?? 300_000,
    });
    let message: { value: T } | undefined;
    let stdoutBytes = 0;
    let stdoutHead = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutHead.length < 65_536) stdoutHead += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-8_192);
    });
    child.on('message', (value) => {
      if (isReady(value)) options.onReady?.();
      else message ??= { value: value as T };
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0 && message !== undefined) {
        resolve({ result: message.value, stdoutBytes, stdout: stdoutHead });
      } else {
        const why = signal === null ? `exit code ${code}` : `signal ${signal}`;
        const detail = message === undefined ? ' without reporting a result' : '';
        reject(
          new Error(`${script} ${args.join(' ')}: ${why}${detail}\n${stderr}\n${stdoutHead.slice(-2_000)}`),
        );
      }
    });
  });
}

const isReady = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && (value as { ready?: unknown }).ready === true;

export interface Exited {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  /** The end of it. */
  readonly stderr: string;
}

export interface RunningProcess {
  /** Sends a signal (SIGINT: what Ctrl-C sends an operator's command). */
  signal(signal: NodeJS.Signals): void;
  readonly exited: Promise<Exited>;
}

/** Starts a command that reports by printing (an operator's command), with the same clean env as runChild. */
export function startProcess(
  script: string,
  args: readonly string[],
  options: Pick<ChildOptions, 'env' | 'tsx' | 'timeoutMs'> = {},
): RunningProcess {
  const child = spawn(process.execPath, [...(options.tsx ? ['--import', 'tsx'] : []), script, ...args], {
    cwd: REPO_ROOT,
    env: baseEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: options.timeoutMs ?? 300_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-8_192);
  });
  const exited = new Promise<Exited>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { signal: (signal) => child.kill(signal), exited };
}
