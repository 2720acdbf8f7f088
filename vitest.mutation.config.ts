// The test run that `npm run test:mutation` (Stryker) repeats for each mutant: the suite of vitest.config.ts
// less the tests that cannot kill a mutant of src/ but cost time: packaging (stack.test.ts runs `serverless
// package`, several times), the build tools and the benchmark's helpers. (The stack's variables.test.ts
// stays: it checks src/runtime/config.ts against the stack's parameters.) Also out: the e2e deadline test,
// which runs a 1 s function timeout in real time and on a busy machine fails whatever the mutant, so its
// kills are false; the handler and unit tests (sqs-batch, hardening, batch-loop, request-budget) cover the
// deadline logic.
import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [
        ...configDefaults.exclude,
        'test/stack/stack.test.ts',
        'test/tools/**',
        'test/unit/bench-*.test.ts',
        'test/e2e/deadline.test.ts',
      ],
    },
  }),
);
