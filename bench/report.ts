/** docs/benchmarks.md: results table, machine, Node version, date, the command to reproduce. */
import { availableParallelism, cpus, totalmem } from 'node:os';
import { BENCHMARK_IDS, type BenchmarkResult } from './types.js';

export interface ReportInput {
  readonly results: readonly BenchmarkResult[];
  readonly repetitions: number;
  readonly quick: boolean;
  readonly command: string;
  readonly seconds: number;
  readonly startedAt: Date;
}

const cell = (text: string) => text.replaceAll('|', '\\|');

function machine(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const memory = (totalmem() / 1024 ** 3).toFixed(1);
  return `${model}, ${availableParallelism()} cores, ${memory} GiB memory, ${process.platform}/${process.arch}`;
}

export function renderReport(input: ReportInput): string {
  const lines = [
    '# Benchmarks',
    '',
    'What users of the worker pay for and wait for, each figure a ratio against a baseline measured in the same',
    'run (median of the repetitions: machines are noisy). Written by `npm run bench` (bench/run.ts); no benchmark',
    'runs inside `npm test`.',
    '',
    `- Command: \`${input.command}\``,
    `- Machine: ${machine()}`,
    `- Node: ${process.version} (the parent's \`process.execPath\`, also used for every child process)`,
    `- Date: ${input.startedAt.toISOString()}`,
    `- Repetitions: ${input.repetitions}${input.quick ? ' (quick smoke run: smaller workloads, not representative)' : ''}; ` +
      `the run took ${Math.round(input.seconds)} s`,
    '',
    '| benchmark | measure | worker | baseline | ratio | target | result |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const result of input.results) {
    for (const row of result.rows) {
      let verdict = row.pass === undefined ? '—' : row.pass ? 'pass' : '**miss**';
      const [meet, of] = row.repetitionsMeeting ?? [0, 0];
      if (row.pass !== undefined && meet > 0 && meet < of)
        verdict += ` (${meet} of ${of} repetitions meet it)`;
      lines.push(
        `| ${[result.title, row.measure, row.worker, row.baseline, row.ratio, row.target, verdict]
          .map(cell)
          .join(' | ')} |`,
      );
    }
  }
  lines.push(
    '',
    'A verdict is the median’s; when the repetitions disagree, the table says how many meet the target on their',
    'own. Rows marked “diagnostic” have no target: they locate the cost when a target is close or missed.',
    '',
    `Options: \`--repetitions N\` (default 5), \`--only ${BENCHMARK_IDS.join(',')}\`, \`--quick\``,
    '(a fast smoke run), `--out PATH` (default docs/benchmarks.md), `--compare REF` (the throughput section also',
    'drains the worker as it was at commit REF, in the same repetitions).',
  );
  for (const result of input.results) {
    lines.push('', `## ${result.title}`, '', ...result.details.map((detail) => `- ${detail}`));
  }
  return `${lines.join('\n')}\n`;
}
