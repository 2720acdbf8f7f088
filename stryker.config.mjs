// `npm run test:mutation`: Stryker mutates src/ and runs the vitest suite against each mutant. Not part of
// `npm test` or CI: a full run (about 4,100 mutants) takes about two hours on two cores. Incremental, so a
// re-run after a small change only tests the mutants in changed code or whose tests changed. Equivalent
// mutants are listed, with their reasons, in docs/mutation.md.

export default {
  mutate: [
    'src/**/*.ts',
    // Composition roots: they only wire real AWS clients and configuration together at import time (every
    // mutant would be a static one, reloading the whole suite); the handlers they build are tested through
    // createHandler.
    '!src/functions/*.ts',
    // A command-line script: it parses process.argv and exits the process at import time. What it prints
    // is in src/cli/backfill-report.ts, which is mutated.
    '!src/cli/backfill.ts',
    // The same for the dead-letter tool's entry: argv, stdout and the SIGINT handler at import. What it runs is
    // src/cli/dlq/main.ts, which is mutated.
    '!src/cli/dlq.ts',
  ],
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  coverageAnalysis: 'perTest',
  // The first, unmutated run of a full run covers most of the suite with per-test coverage on; on two
  // shared cores it can pass Stryker's default of 5 minutes.
  dryRunTimeoutMinutes: 15,
  // TypeScript 7's native compiler has no JavaScript API, which both the typescript checker and Stryker's
  // rewrite of the tsconfig in its sandbox call. No checker, then (vitest strips types, so a mutant that
  // breaks them still runs), and a tsconfigFile that does not exist turns the rewrite off: tsconfig.json
  // has no `extends` or `references` that it would have to rewrite.
  checkers: [],
  tsconfigFile: 'tsconfig.stryker-none.json',
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['html', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  // The machine's two cores are shared: one test runner at a time.
  concurrency: 1,
  // Build outputs that the tests do not read; Stryker does not follow .gitignore when it copies the project.
  ignorePatterns: ['/dist', '/.serverless', '/.esbuild', '/coverage', '/reports'],
};
