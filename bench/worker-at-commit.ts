/**
 * The worker's bundle as it was at another commit, for `npm run bench -- --compare <commit>`: that commit's src/,
 * extracted from git into the run's scratch directory, built with today's options and packages. A comparison
 * within one run leaves the machine's state out of the difference.
 */
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type BuiltBundle, buildWorkerBundleFrom, REPO_ROOT } from '../tools/bundles.js';

export interface CommitWorker {
  /** What the caller named (a commit, tag or branch). */
  readonly ref: string;
  readonly commit: string;
  readonly bundle: BuiltBundle;
}

export async function workerAtCommit(ref: string, scratch: string): Promise<CommitWorker> {
  const commit = commitOf(ref);
  const root = join(scratch, `worker-${commit}`);
  await mkdir(root, { recursive: true });
  const archive = join(scratch, `worker-${commit}.tar`);
  git(['archive', '--format=tar', '-o', archive, commit, 'src']);
  execFileSync('tar', ['-xf', archive, '-C', root]);
  const bundle = await buildWorkerBundleFrom(root, `worker-${commit.slice(0, 7)}`, join(scratch, 'bundles'));
  return { ref, commit, bundle };
}

function commitOf(ref: string): string {
  try {
    return git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).trim();
  } catch (error) {
    throw new Error(`--compare: ${ref} names no commit of this repository`, { cause: error });
  }
}

function git(args: readonly string[]): string {
  return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
