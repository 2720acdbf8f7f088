/**
 * Builds the worker's Lambda bundle and the bare baseline bundle with esbuild's JS API and the very options
 * serverless.yml gives serverless-esbuild (`custom.esbuild`), read from the file so that the two cannot drift.
 */

import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { type BuildOptions, build, type Metafile } from 'esbuild';

export const REPO_ROOT = resolve(import.meta.dirname, '..');

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

interface JsYaml {
  Type: new (
    tag: string,
    options: { kind: 'scalar' | 'sequence' | 'mapping'; construct: (data: unknown) => unknown },
  ) => unknown;
  DEFAULT_SCHEMA: { extend(types: unknown[]): unknown };
  load(text: string, options: { schema: unknown }): unknown;
}

/** js-yaml comes with osls; it has no type declarations, hence require and this minimal interface. */
const yaml = createRequire(import.meta.url)('js-yaml') as JsYaml;

/** serverless.yml uses CloudFormation's short tags (!Ref, !GetAtt, ...): accept them all as plain data. */
function cloudFormationSchema(text: string): unknown {
  const tags = [...new Set(text.match(/!(?:[A-Z][A-Za-z]+)(?=[\s[])/g) ?? [])];
  const kinds = ['scalar', 'sequence', 'mapping'] as const;
  return yaml.DEFAULT_SCHEMA.extend(
    tags.flatMap((tag) => kinds.map((kind) => new yaml.Type(tag, { kind, construct: (data) => data }))),
  );
}

export interface ServerlessEsbuild {
  /** What serverless-esbuild hands to esbuild, before entry points and output directory. */
  readonly options: BuildOptions;
  /** The raw `custom.esbuild` block, for the report. */
  readonly raw: Record<string, unknown>;
}

/** `custom.esbuild` of serverless.yml, turned into esbuild options the way serverless-esbuild does it. */
export async function serverlessEsbuildOptions(): Promise<ServerlessEsbuild> {
  const text = await readFile(join(REPO_ROOT, 'serverless.yml'), 'utf8');
  const config = yaml.load(text, { schema: cloudFormationSchema(text) }) as {
    custom?: { esbuild?: Record<string, unknown> };
  };
  const raw = config.custom?.esbuild;
  if (raw === undefined) throw new Error('serverless.yml has no custom.esbuild block');
  if (JSON.stringify(raw).includes('${')) {
    throw new Error(
      'custom.esbuild uses Serverless variables: resolve them here before building the bundles',
    );
  }
  const options: Record<string, unknown> = { bundle: true, platform: 'node', ...raw };
  for (const name of PLUGIN_ONLY_OPTIONS) delete options[name];
  const exclude = Array.isArray(raw.exclude) ? (raw.exclude as string[]) : [];
  const external = Array.isArray(raw.external) ? (raw.external as string[]) : [];
  options.external = [...external, ...(exclude.includes('*') ? [] : exclude)];
  const extension = typeof raw.outputFileExtension === 'string' ? raw.outputFileExtension : '.js';
  if (extension !== '.js') options.outExtension = { '.js': extension };
  return { options: options as BuildOptions, raw };
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
  readonly esbuild: ServerlessEsbuild;
}

async function buildOne(
  name: string,
  entry: string,
  outDir: string,
  esbuild: ServerlessEsbuild,
): Promise<BuiltBundle> {
  const dir = join(outDir, name);
  const result = await build({
    ...esbuild.options,
    entryPoints: [join(REPO_ROOT, entry)],
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

/** Both bundles, with the same options, into `outDir/worker` and `outDir/bare`. */
export async function buildBundles(outDir: string): Promise<Bundles> {
  const esbuild = await serverlessEsbuildOptions();
  const worker = await buildOne('worker', 'src/functions/worker.ts', outDir, esbuild);
  const bare = await buildOne('bare', 'bench/bare-handler.ts', outDir, esbuild);
  return { worker, bare, esbuild };
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
