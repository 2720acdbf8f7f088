import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerAtCommit } from '../../bench/worker-at-commit.js';
import { REPO_ROOT } from '../../tools/bundles.js';

let scratch = '';
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'worker-at-commit-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('npm run bench -- --compare REF: the worker as it was at a commit', () => {
  it('builds that commit’s src/ from git, not the checkout’s, with the checkout’s packages', async () => {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const { commit, bundle } = await workerAtCommit('HEAD', scratch);
    expect(commit).toBe(head);
    const inputs = Object.keys(bundle.metafile.inputs);
    expect(inputs.some((input) => input.endsWith(`worker-${head}/src/functions/worker.ts`))).toBe(true);
    expect(inputs.filter((input) => input.startsWith('src/'))).toEqual([]);
    expect(inputs.some((input) => input.startsWith('node_modules/@aws-sdk/client-datazone/'))).toBe(true);
    expect(bundle.bytes).toBeGreaterThan(100_000);
  }, 60_000);

  it('refuses a name that is no commit, saying which', async () => {
    await expect(workerAtCommit('no-such-ref-for-the-bench', scratch)).rejects.toThrow(
      '--compare: no-such-ref-for-the-bench names no commit of this repository',
    );
  });
});
