import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const SKIPPED_EVENT = 'events/eventbridge/other-source.json';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
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
        '  - DATAZONE_REQUESTS_PER_SECOND must be a number from 0.01 to 10000, got "abc"\n' +
        '  - RECORD_CONCURRENCY must be an integer from 1 to 1000, got "0"\n' +
        'Try: npm start -- --help\n',
    });
  });
});
