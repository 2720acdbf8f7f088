/** Reading variables: what each reader returns, and the problem it records for a value it cannot take. */
import { describe, expect, it } from 'vitest';
import { ConfigurationError, EnvReader } from '../../src/runtime/env-reader.js';

const isQueueName = (value: string) => /^[a-z-]+$/.test(value);

describe('ConfigurationError', () => {
  it('is named, keeps its problems, and lists them one a line', () => {
    const error = new ConfigurationError(['A is required', 'B must be a number']);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ConfigurationError');
    expect(error.problems).toEqual(['A is required', 'B must be a number']);
    expect(error.message).toBe('Invalid configuration:\n  - A is required\n  - B must be a number');
  });
});

describe('EnvReader', () => {
  it('treats a variable that is unset, empty or blank as not set, and trims one that is', () => {
    const reader = new EnvReader({ EMPTY: '', BLANK: ' \t', SET: '  value ' });
    expect(['UNSET', 'EMPTY', 'BLANK', 'SET'].map((name) => reader.string(name, 'fallback'))).toEqual([
      'fallback',
      'fallback',
      'fallback',
      'value',
    ]);
    expect(reader.problems).toEqual([]);
  });

  it('reads a required string, recording that it is missing or invalid', () => {
    const reader = new EnvReader({ GOOD: 'metagen-dlq', BAD: 'Metagen_DLQ' });
    expect(reader.requiredString('GOOD', 'a queue name', isQueueName)).toBe('metagen-dlq');
    expect(reader.requiredString('BAD', 'a queue name', isQueueName)).toBe('Metagen_DLQ');
    // Missing: empty, so that the other variables are still read before the problems are thrown.
    expect(reader.requiredString('MISSING', 'a queue name', isQueueName)).toBe('');
    expect(reader.problems).toEqual([
      'BAD must be a queue name, got "Metagen_DLQ"',
      'MISSING is required: expected a queue name',
    ]);
  });

  it('reads a comma-separated list, its items trimmed and the empty ones left out, else a copy of the fallback', () => {
    const fallback = ['a', 'b'];
    const reader = new EnvReader({ LIST: ' x , ,y,, z ' });
    expect(reader.list('LIST', fallback)).toEqual(['x', 'y', 'z']);
    const read = reader.list('UNSET', fallback);
    expect(read).toEqual(['a', 'b']);
    read.push('c');
    expect(fallback).toEqual(['a', 'b']);
  });

  it('takes numbers from min to max, both included, and records anything else with its bounds', () => {
    const env = { LOW: '0.5', HIGH: '2', UNDER: '0.49', OVER: '2.01', WORD: 'fast', INFINITE: 'Infinity' };
    const reader = new EnvReader(env);
    const read = (name: string) => reader.number(name, 1, 0.5, 2);
    expect(['LOW', 'HIGH', 'UNSET'].map(read)).toEqual([0.5, 2, 1]);
    // The fallback replaces a value it cannot take.
    expect(['UNDER', 'OVER', 'WORD', 'INFINITE'].map(read)).toEqual([1, 1, 1, 1]);
    expect(reader.problems).toEqual([
      'UNDER must be a number from 0.5 to 2, got "0.49"',
      'OVER must be a number from 0.5 to 2, got "2.01"',
      'WORD must be a number from 0.5 to 2, got "fast"',
      'INFINITE must be a number from 0.5 to 2, got "Infinity"',
    ]);
  });

  it('takes integers only where it asks for one', () => {
    const reader = new EnvReader({ WHOLE: '3', PART: '2.5' });
    expect([reader.integer('WHOLE', 1, 1, 5), reader.integer('PART', 1, 1, 5)]).toEqual([3, 1]);
    expect(reader.number('PART', 1, 1, 5)).toBe(2.5);
    expect(reader.problems).toEqual(['PART must be an integer from 1 to 5, got "2.5"']);
  });

  it('reads an optional integer as undefined when unset, else as an integer within its bounds', () => {
    const reader = new EnvReader({ SET: '4', BLANK: ' ', OUT: '0' });
    expect(['UNSET', 'BLANK', 'SET', 'OUT'].map((name) => reader.optionalInteger(name, 1, 10))).toEqual([
      undefined,
      undefined,
      4,
      // Invalid: the lowest value it takes, the problem recorded.
      1,
    ]);
    expect(reader.problems).toEqual(['OUT must be an integer from 1 to 10, got "0"']);
  });
});
