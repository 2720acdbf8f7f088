/**
 * Where a bundle's CPU time goes: a V8 CPU profile (`node --cpu-prof`) of a child, with every sample's position in
 * the minified bundle mapped back through the bundle's source map to its original file, and self time summed by
 * package (or by file for the worker's own src/).
 */
import { readdir, readFile } from 'node:fs/promises';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
    readonly columnNumber: number;
  };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileSummary {
  /** Total sampled time, ms. */
  readonly totalMs: number;
  /** [where, ms of self time], largest first. */
  readonly byOrigin: readonly [string, number][];
}

function originOf(source: string): string {
  const path = source.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg?.[1] !== undefined) return pkg[1];
  const own = /(?:^|\/)(src|bench)\/(.+)$/.exec(path);
  return own === null ? path : `${own[1]}/${own[2]}`;
}

/** Sums self time of the profile(s) in `dir` by the origin of each sampled function. */
export async function summariseProfiles(dir: string, bundlePath: string): Promise<ProfileSummary> {
  const map = new SourceMap(JSON.parse(await readFile(`${bundlePath}.map`, 'utf8')) as SourceMapPayload);
  const bundleUrl = `file://${bundlePath}`;
  const totals = new Map<string, number>();
  let totalMs = 0;
  for (const file of (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile;
    const origins = new Map<number, string>();
    for (const { id, callFrame } of profile.nodes) {
      let origin: string;
      if (callFrame.url === bundleUrl || callFrame.url === bundlePath) {
        const entry = map.findEntry(callFrame.lineNumber, callFrame.columnNumber);
        origin = 'originalSource' in entry ? originOf(entry.originalSource) : 'bundle (unmapped)';
      } else if (callFrame.url === '') {
        // V8's pseudo-frames are already parenthesised: (idle), (program), (garbage collector).
        const name = callFrame.functionName || 'native';
        origin = name.startsWith('(') ? name : `${name} (native)`;
      } else if (callFrame.url.startsWith('node:')) {
        origin = 'node: built-ins';
      } else {
        origin = originOf(callFrame.url.startsWith('file:') ? fileURLToPath(callFrame.url) : callFrame.url);
      }
      origins.set(id, origin);
    }
    profile.samples.forEach((id, index) => {
      const ms = (profile.timeDeltas[index] ?? 0) / 1000;
      const origin = origins.get(id) ?? 'unknown';
      if (origin === '((idle))' || origin === '(idle)') return; // waiting for I/O: no CPU
      totals.set(origin, (totals.get(origin) ?? 0) + ms);
      totalMs += ms;
    });
  }
  return { totalMs, byOrigin: [...totals].sort((a, b) => b[1] - a[1]) };
}

/** `a 41% (12.3 ms), b 20% (6.0 ms), …` for the `top` largest. */
export function formatSummary(summary: ProfileSummary, top = 12): string {
  return summary.byOrigin
    .slice(0, top)
    .map(([origin, ms]) => `${origin} ${((ms / summary.totalMs) * 100).toFixed(0)}% (${ms.toFixed(0)} ms)`)
    .join(', ');
}
