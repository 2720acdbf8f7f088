import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const SKIPPED_EVENT = 'events/eventbridge/other-source.json';
/** campaign_clicks@1: the sample catalog fails its first run; the second succeeds. */
const FAILS_ONCE = 'events/eventbridge/asset-added-to-catalog.json';

interface Generation {
  lost: unknown[];
  inProgress: unknown[];
  outcomeEvents: { published: number; totals: Record<string, number> };
  revisions: {
    assetRevision: string;
    finalStatus: string;
    attempts: { attempt: number; status: string }[];
  }[];
}

/** `npm start -s -- --quiet --json ...`: the exit status and the JSON summary. */
async function json(args: string[]) {
  const { code, stdout } = await run('npm', ['start', '-s', '--', '--quiet', '--json', ...args]);
  const { summary } = JSON.parse(stdout) as {
    summary: { ok: boolean; violations: string[]; generation: Generation };
  };
  return { code, summary };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  // A local run: no endpoints from the caller's environment, and npm's log level only from the command line.
  const { npm_config_loglevel: _, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: ROOT, env: { ...inherited, AWS_ENDPOINT_URL_DATAZONE: '', AWS_ENDPOINT_URL_SQS: '', ...env } },
      (error, stdout, stderr) => {
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
  });
}

describe('npm start', () => {
  it('with -s -- --json prints nothing but the JSON summary on stdout, as the README shows', async () => {
    const { code, stdout } = await run('npm', ['start', '-s', '--', '--quiet', '--json', SKIPPED_EVENT]);

    const { summary, outcomes } = JSON.parse(stdout) as {
      summary: { ok: boolean; totals: Record<string, number> };
      outcomes: unknown[];
    };
    expect(code).toBe(0);
    expect(summary.ok).toBe(true);
    expect(summary.totals).toMatchObject({ skipped: 1, unaccounted: 0 });
    expect(outcomes).toHaveLength(1);
  });

  describe('piped (as here: stdout and stderr are pipes)', () => {
    /** The colour conventions unset: a pipe alone decides. */
    const PIPED = { FORCE_COLOR: undefined, NO_COLOR: undefined };
    const ESC = '\x1b';

    it('prints each worker log line as one plain line, on the stream the worker wrote it to', async () => {
      const { code, stdout, stderr } = await run('npm', ['start', '-s', '--', FAILS_ONCE], PIPED);

      expect(code).toBe(0);
      expect(`${stdout}${stderr}`).not.toContain(ESC);
      expect(`${stdout}${stderr}`).not.toMatch(/^\{/m);
      expect(stdout).toMatch(/^\d\d:\d\d:\d\d\.\d{3} started {8}e8n2v6c4x1q7jm@1 run \w+$/m);
      expect(stdout).toMatch(
        /^\d\d:\d\d:\d\d\.\d{3} run-ended {6}e8n2v6c4x1q7jm@1 run \w+ FAILED → attempt 2: run \w+$/m,
      );
      expect(stderr).toMatch(
        /^\d\d:\d\d:\d\d\.\d{3} retry {10}e8n2v6c4x1q7jm@1 run-retry-wait, back in \d+ s {2}/m,
      );
    });

    it('with --raw-logs prints the worker’s JSON as it wrote it, metric documents too', async () => {
      const { code, stdout } = await run('npm', ['start', '-s', '--', '--raw-logs', FAILS_ONCE], PIPED);

      expect(code).toBe(0);
      expect(stdout).not.toContain(ESC);
      const json = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(json.filter((line) => line.outcome === 'started')).toHaveLength(1);
      expect(json.filter((line) => line._aws !== undefined).length).toBeGreaterThan(0);
      expect(stdout).not.toMatch(/^\d\d:\d\d:\d\d\.\d{3} started/m);
    });
  });

  it('shows the life of each run it started: attempts, their status, what the worker made of each', async () => {
    const { code, stdout } = await run('npm', ['start', '-s', '--', '--quiet', FAILS_ONCE]);

    expect(code).toBe(0);
    const section = stdout.slice(stdout.indexOf('\ngeneration: '), stdout.indexOf('\nevent source: '));
    expect(section).toMatch(
      /^generation: 2 run\(s\) at the DataZone endpoint — SUCCEEDED 1, FAILED 1; 0 in progress/m,
    );
    expect(section).toMatch(
      /^outcome events: 2 published by DataZone — 2 run ended, 0 in the DLQ, 0 unaccounted; 0 outcome\(s\) lost$/m,
    );
    expect(section).toMatch(
      /e8n2v6c4x1q7jm@1 {2}BUSINESS_DESCRIPTIONS\+BUSINESS_NAMES {2}SUCCEEDED after 2 attempts$/m,
    );
    expect(section).toMatch(/^ {6}attempt 1 {2}run (\w+) {2}FAILED {2}attempt 2: run (\w+)$/m);
    expect(section).toMatch(/^ {6}attempt 2 {2}run \w+ {2}SUCCEEDED {2}recorded$/m);
  });

  it('exits 1 when a run’s outcome was lost, and names the run', async () => {
    const { code, summary } = await json(['--faults', 'lost-outcomes', '--seed', '1']);

    expect(code).toBe(1);
    expect(summary.ok).toBe(false);
    expect(summary.generation.lost.length).toBeGreaterThan(0);
    expect(summary.violations).toHaveLength(summary.generation.lost.length);
    for (const violation of summary.violations) expect(violation).toMatch(/its outcome was lost$/);
  });

  it('with --faults chaos ends once every run it started has its outcome processed', async () => {
    const { code, summary } = await json(['--faults', 'chaos', '--seed', '1']);

    expect(summary.violations).toEqual([]);
    expect(code).toBe(0);
    expect(summary.generation).toMatchObject({ lost: [], inProgress: [] });
    expect(summary.generation.outcomeEvents.totals.unaccounted).toBe(0);
    expect(summary.generation.outcomeEvents.published).toBeGreaterThanOrEqual(
      summary.generation.revisions.length,
    );
  }, 90_000);

  it('with --faults lossy-bus --reconcile sweeps up what the bus lost: nothing missed, exit 0', async () => {
    const { code, stdout } = await run('npm', [
      'start',
      '-s',
      '--',
      '--quiet',
      '--json',
      '--faults',
      'lossy-bus',
      '--reconcile',
    ]);

    const { summary, reconciledEvents } = JSON.parse(stdout) as {
      summary: { violations: string[]; reconcile: Record<string, unknown> & { droppedEvents: unknown[] } };
      reconciledEvents: { status: string }[];
    };
    expect(summary.violations).toEqual([]);
    expect(code).toBe(0);
    expect(summary.reconcile).toMatchObject({ swept: true, assetsScanned: 11, missed: [] });
    expect(summary.reconcile.droppedEvents.length).toBeGreaterThan(0);
    expect(summary.reconcile.enqueued).toBe(reconciledEvents.length);
    expect(reconciledEvents.length).toBeGreaterThan(0);
    expect(reconciledEvents.filter((e) => e.status === 'unaccounted')).toEqual([]);
  });

  it('with --faults lossy-bus alone prints the revisions whose events were lost, and exits 1', async () => {
    const { code, stdout } = await run('npm', ['start', '-s', '--', '--quiet', '--faults', 'lossy-bus']);

    expect(code).toBe(1);
    expect(stdout).toMatch(/^reconcile: not run \(--reconcile sweeps/m);
    expect(stdout).toMatch(/^lossy bus: \d+ event\(s\) lost before the source queue: #\d+/m);
    const lost = stdout.match(
      /^ {2}(dzd_\w+\/\w+@\d+) {2}BUSINESS_DESCRIPTIONS\+BUSINESS_NAMES {2}its event\(s\) .* lost on the bus$/gm,
    );
    expect(lost?.length).toBeGreaterThan(0);
    expect(stdout).toMatch(/^FAILED: /m);
    expect(stdout).toMatch(/ lost on the bus; --reconcile sweeps it up$/m);
  });

  it('refuses --reconcile against endpoints it did not start: the sweep judges by the local catalog', async () => {
    const result = await run(process.execPath, [
      '--import',
      'tsx',
      'tools/local/run.ts',
      '--reconcile',
      '--source-queue-url',
      'https://sqs.eu-west-1.amazonaws.com/111111111111/source',
      '--dlq-url',
      'https://sqs.eu-west-1.amazonaws.com/111111111111/dlq',
    ]);

    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: '--reconcile applies to the local DataZone only\nTry: npm start -- --help\n',
    });
  });

  it('lists every invalid worker setting without a stack trace; exit status 2', async () => {
    const result = await run(
      process.execPath,
      ['--import', 'tsx', 'tools/local/run.ts', '--quiet', SKIPPED_EVENT],
      { DATAZONE_REQUESTS_PER_SECOND: 'abc', RECORD_CONCURRENCY: '0' },
    );

    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'Invalid configuration:\n' +
        '  - RECORD_CONCURRENCY must be an integer from 1 to 1000, got "0"\n' +
        '  - DATAZONE_REQUESTS_PER_SECOND must be a number from 0.01 to 10000, got "abc"\n' +
        'Try: npm start -- --help\n',
    });
  });
});
