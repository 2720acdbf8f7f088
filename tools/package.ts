/**
 * `npm run package`: `serverless package --stage ci --region eu-west-1` (further arguments are passed on), then
 * where the template and the bundle went and the bundle's size against its budget (tools/bundle-size.ts); fails
 * when it is over, as `npm run build` does.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { judgeBundleSize, type SizeReport } from './bundle-size.js';
import { buildBareBundle } from './bundles.js';
import { readZip } from './zip.js';

const SERVERLESS = fileURLToPath(import.meta.resolve('osls/bin/serverless.js'));
const TEMPLATE = 'cloudformation-template-update-stack.json';

/** Where `serverless package` writes, relative to the service: its --package (-p) option, else .serverless. */
export function packageDir(args: readonly string[]): string {
  const { values } = parseArgs({
    args: [...args],
    options: { package: { type: 'string', short: 'p' } },
    strict: false,
    allowPositionals: true,
  });
  return typeof values.package === 'string' ? values.package : '.serverless';
}

/** The template and each JavaScript file of the package's zips, judged against the bare bundle's size. */
export function packageReport(dir: string, bareBytes: number): SizeReport {
  const template = join(dir, TEMPLATE);
  if (!existsSync(template)) throw new Error(`${template} is missing: did serverless package run?`);
  const lines = [`template: ${template}`];
  let within = true;
  for (const zip of readdirSync(dir).filter((name) => name.endsWith('.zip'))) {
    const bundles = readZip(join(dir, zip)).filter((entry) => /\.[cm]?js$/.test(entry.name));
    if (bundles.length === 0) throw new Error(`${join(dir, zip)} holds no JavaScript bundle`);
    for (const bundle of bundles) {
      const verdict = judgeBundleSize(bundle.size, bareBytes);
      within &&= verdict.within;
      lines.push(`bundle: ${bundle.name} in ${join(dir, zip)}`, `bundle size: ${verdict.summary}`);
    }
  }
  if (lines.length === 1) throw new Error(`${dir} holds no deployment zip`);
  return { lines, within };
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const packaged = spawnSync(
    process.execPath,
    [SERVERLESS, 'package', '--stage', 'ci', '--region', 'eu-west-1', ...args],
    { stdio: 'inherit' },
  );
  if (packaged.status !== 0) process.exit(packaged.status ?? 1);
  const scratch = mkdtempSync(join(tmpdir(), 'metagen-bare-'));
  try {
    const bare = await buildBareBundle(scratch);
    const report = packageReport(packageDir(args), bare.bytes);
    process.stdout.write(`${report.lines.join('\n')}\n`);
    if (!report.within) process.exitCode = 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
