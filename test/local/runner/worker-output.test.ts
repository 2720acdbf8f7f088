/** The capture of the worker's output, echoed line by line to a function (how `npm start` prints it its own way). */
import { describe, expect, it } from 'vitest';
import { captureWorkerOutput } from '../../../tools/local/runner/worker-output.js';

describe('captureWorkerOutput with a line echo', () => {
  it('hands over each whole line once, with its stream, however it was written; a partial line at the end', () => {
    const echoed: [string, string][] = [];
    const capture = captureWorkerOutput({ echo: (line, stream) => echoed.push([line, stream]) });
    try {
      process.stdout.write('{"outcome":"started"}\n{"outcome"');
      process.stderr.write('(node:1) Warning: a library speaks\n\n');
      process.stdout.write(':"skipped"}\n');
      process.stdout.write(Buffer.from('{"outcome":"retry"}'));
    } finally {
      capture.restore();
    }

    expect(echoed).toEqual([
      ['{"outcome":"started"}', 'stdout'],
      ['(node:1) Warning: a library speaks', 'stderr'],
      ['{"outcome":"skipped"}', 'stdout'],
      ['{"outcome":"retry"}', 'stdout'],
    ]);
    expect(capture.lines).toEqual([{ outcome: 'started' }, { outcome: 'skipped' }, { outcome: 'retry' }]);
  });
});
