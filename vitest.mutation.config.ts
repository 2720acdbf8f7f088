// The test run that `npm run test:mutation` (Stryker) repeats for each mutant: the suite of vitest.config.ts
// less the tests that cannot kill a mutant of src/ but cost time: packaging (stack.test.ts runs `serverless
// package`, several times), the build tools and the benchmark's helpers. (The stack's variables.test.ts
// stays: it checks src/runtime/config.ts against the stack's parameters.) Also out: the e2e deadline test,
// which runs a 1 s function timeout in real time and on a busy machine fails whatever the mutant, so its
// kills are false; the handler and unit tests (sqs-batch, hardening, batch-loop, request-budget) cover the
// deadline logic.
import { statSync } from 'node:fs';
import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import type { TestSpecification } from 'vitest/node';
import { BaseSequencer } from 'vitest/node';
import base from './vitest.config.js';

/** Test folders from the fastest to the slowest (measured: unit and handler ~1.5 s in all, e2e ~30 s). */
const FOLDER_ORDER = ['unit', 'handler', 'stack', 'cli', 'integration', 'local', 'e2e'];

/**
 * Stryker stops a mutant's run at its first failing test, but vitest's own order runs the longest files first.
 * Fast folders first, and the smaller file first within a folder, so that most mutants are killed by a unit test
 * before an e2e file starts.
 */
class FastFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (spec: TestSpecification) => {
      const folder = /\/test\/([^/]+)\//.exec(spec.moduleId)?.[1] ?? '';
      const index = FOLDER_ORDER.indexOf(folder);
      return index === -1 ? FOLDER_ORDER.length : index;
    };
    const size = (spec: TestSpecification) => statSync(spec.moduleId).size;
    return [...files].sort((a, b) => rank(a) - rank(b) || size(a) - size(b));
  }
}

export default mergeConfig(
  base,
  defineConfig({
    test: {
      sequence: { sequencer: FastFirstSequencer },
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
