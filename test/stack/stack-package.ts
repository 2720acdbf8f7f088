/**
 * Packages serverless.yml with the project's own osls (offline, no credentials) and reads what it wrote: the
 * CloudFormation template, osls's resolved service state and the deployment zip (read it with tools/zip.ts).
 * Used by stack.test.ts only; packaging runs one at a time because serverless-esbuild builds in `.esbuild/`.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const SERVERLESS_BIN = fileURLToPath(import.meta.resolve('osls/bin/serverless.js'));
/** What `npm run package` runs after its Node check. */
const PACKAGE_SCRIPT = join(REPO_ROOT, 'tools/package.ts');

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface CfnResource {
  readonly Type: string;
  readonly Properties: JsonObject;
  readonly Condition?: string;
  readonly DependsOn?: string | string[];
}

export interface Template {
  readonly Resources: Record<string, CfnResource>;
  readonly Conditions?: Record<string, Json>;
  readonly Outputs: Record<string, { readonly Value: Json; readonly Description?: string }>;
}

/** The dashboard's widgets, its Fn::Sub variables filled in (a reference left as `<Name>`), parsed as JSON. */
export function dashboard(template: Template): { widgets: { properties: { metrics: Json[][] } }[] } {
  const body = template.Resources.Dashboard?.Properties.DashboardBody;
  const sub = (body as JsonObject | undefined)?.['Fn::Sub'];
  if (!Array.isArray(sub)) throw new Error('no dashboard body as an Fn::Sub');
  const [text, variables] = sub as [string, Record<string, string>];
  const substituted = text.replace(/\$\{([^}]+)\}/g, (_, name: string) => variables[name] ?? `<${name}>`);
  return JSON.parse(substituted);
}

/** A dashboard line of a count by DataZone operation, for the function whose environment is `env`. */
export function byOperationLine(
  env: JsonObject,
  name: string,
  operation: string,
  ...rest: unknown[]
): unknown[] {
  return [
    env.POWERTOOLS_METRICS_NAMESPACE ?? null,
    name,
    'service',
    env.POWERTOOLS_SERVICE_NAME ?? null,
    'Operation',
    operation,
    ...rest,
  ];
}

export interface PackagedStack {
  readonly dir: string;
  readonly template: Template;
  /** `.serverless/serverless-state.json`: the configuration after osls resolved every variable. */
  readonly state: { readonly service: { readonly custom: JsonObject } };
  readonly zipPath: string;
  readonly seconds: number;
  /** What packaging printed, stdout then stderr. */
  readonly output: string;
}

export interface RunResult {
  readonly code: number;
  readonly output: string;
}

/** The child gets no AWS credentials or profile: packaging must not need them. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', AWS_EC2_METADATA_DISABLED: 'true' };
  for (const name of ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
    delete env[name];
  }
  return env;
}

export function runServerless(args: readonly string[]): Promise<RunResult> {
  return runNode([SERVERLESS_BIN, ...args]);
}

function runNode(args: readonly string[]): Promise<RunResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      args,
      { cwd: REPO_ROOT, env: childEnv(), maxBuffer: 16 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        done({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

export function packageArgs(options: {
  readonly outDir: string;
  readonly stage?: string;
  readonly params?: Readonly<Record<string, string>>;
}): string[] {
  return [
    'package',
    '--stage',
    options.stage ?? 'ci',
    '--region',
    'eu-west-1',
    '--package',
    options.outDir,
    ...paramArgs(options.params),
  ];
}

function paramArgs(params: Readonly<Record<string, string>> = {}): string[] {
  return Object.entries(params).map(([name, value]) => `--param=${name}=${value}`);
}

/**
 * Packages with osls, or with `npm run package`'s script (`ci` stage only, the one it packages) to check what that
 * prints as well.
 */
export async function packageStack(options: {
  readonly outDir: string;
  readonly stage?: string;
  readonly params?: Readonly<Record<string, string>>;
  readonly through?: 'serverless' | 'npm run package';
}): Promise<PackagedStack> {
  const viaScript = options.through === 'npm run package';
  if (viaScript && options.stage !== undefined) throw new Error('npm run package packages the ci stage only');
  const started = performance.now();
  const result = viaScript
    ? await runNode([
        '--import',
        'tsx',
        PACKAGE_SCRIPT,
        '--package',
        options.outDir,
        ...paramArgs(options.params),
      ])
    : await runServerless(packageArgs(options));
  const seconds = (performance.now() - started) / 1000;
  if (result.code !== 0) {
    throw new Error(`serverless package failed (exit ${result.code}):\n${result.output}`);
  }
  const readJson = (name: string): unknown => JSON.parse(readFileSync(join(options.outDir, name), 'utf8'));
  return {
    dir: options.outDir,
    template: readJson('cloudformation-template-update-stack.json') as Template,
    state: readJson('serverless-state.json') as PackagedStack['state'],
    zipPath: join(options.outDir, 'datazone-metagen-worker.zip'),
    seconds,
    output: result.output,
  };
}
