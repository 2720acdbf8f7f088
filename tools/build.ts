/**
 * `npm run build`: the worker's Lambda bundle, built exactly as the stack builds it (stack/esbuild.cjs), into
 * dist/worker, and the bare baseline into dist/bare; prints both and the worker's size against its budget
 * (tools/bundle-size.ts), and fails when it is over.
 */
import { join, relative } from 'node:path';
import { judgeBundleSize, kib, type SizeReport } from './bundle-size.js';
import { type BuiltBundle, buildBundles, REPO_ROOT } from './bundles.js';

export function buildReport(worker: BuiltBundle, bare: BuiltBundle): SizeReport {
  const verdict = judgeBundleSize(worker.bytes, bare.bytes);
  const line = (bundle: BuiltBundle) =>
    `${bundle.name}: ${relative(REPO_ROOT, bundle.path)}, ${kib(bundle.bytes)} (source map ${kib(bundle.mapBytes)})`;
  return { lines: [line(worker), line(bare), `worker bundle: ${verdict.summary}`], within: verdict.within };
}

if (import.meta.main) {
  const { worker, bare } = await buildBundles(join(REPO_ROOT, 'dist'));
  const report = buildReport(worker, bare);
  process.stdout.write(`${report.lines.join('\n')}\n`);
  if (!report.within) process.exitCode = 1;
}
