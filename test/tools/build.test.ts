import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../tools/build.js';
import { judgeBundleSize, kib } from '../../tools/bundle-size.js';
import { type BuiltBundle, REPO_ROOT } from '../../tools/bundles.js';
import { packageDir } from '../../tools/package.js';

const BARE_BYTES = 400_000;
/** 1.2 x 400,000 + 4 KiB. */
const LIMIT_BYTES = 484_096;

function bundle(name: string, bytes: number): BuiltBundle {
  const metafile: Metafile = { inputs: {}, outputs: {} };
  return { name, path: join(REPO_ROOT, 'dist', name, `${name}.mjs`), bytes, mapBytes: 2 * bytes, metafile };
}

describe('the bundle budget: 1.2 times the bare bundle, plus 4 KiB', () => {
  it('accepts a worker bundle up to the limit, and says how much is left', () => {
    expect(judgeBundleSize(LIMIT_BYTES, BARE_BYTES)).toEqual({
      within: true,
      summary:
        "472.8 KiB, 1.210x the bare bundle's 390.6 KiB; budget 1.2x + 4.0 KiB = 472.8 KiB: within budget, " +
        '0.0 KiB to spare',
    });
    expect(judgeBundleSize(440_000, BARE_BYTES).summary).toMatch(/within budget, 43\.1 KiB to spare$/);
  });

  it('refuses one byte more, and says by how much it is over', () => {
    expect(judgeBundleSize(LIMIT_BYTES + 1, BARE_BYTES).within).toBe(false);
    expect(judgeBundleSize(LIMIT_BYTES + 2048, BARE_BYTES).summary).toMatch(/: OVER BUDGET by 2\.0 KiB$/);
  });
});

describe('npm run build', () => {
  it('reports both bundles, then the worker against the budget', () => {
    expect(buildReport(bundle('worker', 450_000), bundle('bare', BARE_BYTES))).toEqual({
      within: true,
      lines: [
        'worker: dist/worker/worker.mjs, 439.5 KiB (source map 878.9 KiB)',
        'bare: dist/bare/bare.mjs, 390.6 KiB (source map 781.3 KiB)',
        `worker bundle: ${judgeBundleSize(450_000, BARE_BYTES).summary}`,
      ],
    });
    expect(buildReport(bundle('worker', LIMIT_BYTES + 1), bundle('bare', BARE_BYTES)).within).toBe(false);
  });

  it('writes dist/worker/worker.mjs and dist/bare/bare-handler.mjs and prints their sizes', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'tools/build.ts'], {
      cwd: REPO_ROOT,
    });
    const [worker, bare, verdict] = stdout.trimEnd().split('\n');
    const size = (path: string) => kib(statSync(join(REPO_ROOT, path)).size);
    expect(worker).toBe(
      `worker: dist/worker/worker.mjs, ${size('dist/worker/worker.mjs')} (source map ${size('dist/worker/worker.mjs.map')})`,
    );
    expect(bare).toMatch(
      new RegExp(`^bare: dist/bare/bare-handler.mjs, ${size('dist/bare/bare-handler.mjs')} `),
    );
    expect(verdict).toMatch(/^worker bundle: .*: within budget, \d+\.\d KiB to spare$/);
  });
});

describe('npm run package', () => {
  it('reads the package where serverless package writes it', () => {
    expect(packageDir([])).toBe('.serverless');
    expect(packageDir(['--param=wiring=direct'])).toBe('.serverless');
    expect(packageDir(['--package', 'out/ci', '--param=wiring=direct'])).toBe('out/ci');
    expect(packageDir(['--package=out/ci'])).toBe('out/ci');
    expect(packageDir(['-p', 'out/ci'])).toBe('out/ci');
  });
});
