/**
 * Builds the worker's Lambda bundle and the bare baseline bundle with esbuild's JS API and the very options the
 * stack gives serverless-esbuild (stack/esbuild.cjs, serverless.yml's `custom.esbuild`), translated the way
 * serverless-esbuild translates them: `npm run build`, `npm run package` and the benchmarks all measure the bundle
 * the stack deploys.
 */

import { rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import stackEsbuild from '../stack/esbuild.cjs';

export const REPO_ROOT = resolve(import.meta.dirname, '..');

/** The function's handler module, as serverless.yml names it. */
const WORKER_ENTRY = 'src/functions/worker.ts';
/** The two SDK clients and the minimal happy path: what any implementation has to pay (see the file). */
const BARE_ENTRY = 'bench/bare-handler.ts';
/** The throughput benchmark's baseline: the same starts, one record after the other. */
const SEQUENTIAL_ENTRY = 'bench/sequential-handler.ts';

/** serverless-esbuild options that are the plugin's own and never reach esbuild (see its bundle.js). */
const PLUGIN_ONLY_OPTIONS = [
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
  'config',
];

/** The stack's serverless-esbuild options turned into esbuild options, before entry points and output directory. */
function esbuildOptions(): BuildOptions {
  const serverlessEsbuild: Readonly<Record<string, unknown>> = stackEsbuild;
  const options: Record<string, unknown> = { bundle: true, platform: 'node', ...serverlessEsbuild };
  for (const name of PLUGIN_ONLY_OPTIONS) delete options[name];
  const exclude = stringList(serverlessEsbuild.exclude);
  options.external = [...stringList(serverlessEsbuild.external), ...(exclude.includes('*') ? [] : exclude)];
  const extension = serverlessEsbuild.outputFileExtension ?? '.js';
  if (extension !== '.js') options.outExtension = { '.js': extension };
  return options as BuildOptions;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

export interface BuiltBundle {
  readonly name: string;
  readonly path: string;
  /** Size of the JavaScript file (what Node parses at cold start), without the source map. */
  readonly bytes: number;
  readonly mapBytes: number;
  readonly metafile: Metafile;
}

export interface Bundles {
  readonly worker: BuiltBundle;
  readonly bare: BuiltBundle;
  readonly esbuild: BuildOptions;
}

/** One bundle of `entry` into `outDir/name`, emptied first so that nothing stale stays beside it. */
async function buildBundle(
  name: string,
  entry: string,
  outDir: string,
  options: BuildOptions,
): Promise<BuiltBundle> {
  const dir = join(outDir, name);
  await rm(dir, { recursive: true, force: true });
  const result = await build({
    ...options,
    entryPoints: [resolve(REPO_ROOT, entry)],
    outdir: dir,
    absWorkingDir: REPO_ROOT,
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).filter((output) => /\.[cm]?js$/.test(output));
  const [output] = outputs;
  if (output === undefined || outputs.length !== 1)
    throw new Error(`expected one bundle for ${entry}, got ${outputs}`);
  const path = resolve(REPO_ROOT, output);
  const mapBytes = await stat(`${path}.map`).then(
    (s) => s.size,
    () => 0,
  );
  return { name, path, bytes: (await stat(path)).size, mapBytes, metafile: result.metafile };
}

/** The bare baseline alone, into `outDir/bare`. */
export function buildBareBundle(outDir: string): Promise<BuiltBundle> {
  return buildBundle('bare', BARE_ENTRY, outDir, esbuildOptions());
}

/**
 * The worker's bundle from another copy of its sources (`<root>/src/functions/worker.ts`, e.g. an earlier commit's
 * src/ extracted elsewhere), with the same options and this checkout's packages, into `outDir/<name>`.
 */
export function buildWorkerBundleFrom(root: string, name: string, outDir: string): Promise<BuiltBundle> {
  const options = { ...esbuildOptions(), nodePaths: [join(REPO_ROOT, 'node_modules')] };
  return buildBundle(name, join(root, WORKER_ENTRY), outDir, options);
}

/** The throughput benchmark's sequential baseline, into `outDir/sequential`. */
export function buildSequentialBundle(outDir: string): Promise<BuiltBundle> {
  return buildBundle('sequential', SEQUENTIAL_ENTRY, outDir, esbuildOptions());
}

/** Both bundles, with the same options, into `outDir/worker` and `outDir/bare`. */
export async function buildBundles(outDir: string): Promise<Bundles> {
  const options = esbuildOptions();
  const worker = await buildBundle('worker', WORKER_ENTRY, outDir, options);
  const bare = await buildBundle('bare', BARE_ENTRY, outDir, options);
  return { worker, bare, esbuild: options };
}

/** Bytes each input contributes to a bundle, grouped by package (or `src/`, `bench/`). */
export function bytesByPackage(metafile: Metafile): Map<string, number> {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = match?.[1] ?? input.split('/')[0] ?? input;
      totals.set(key, (totals.get(key) ?? 0) + bytesInOutput);
    }
  }
  return new Map([...totals].sort((a, b) => b[1] - a[1]));
}
