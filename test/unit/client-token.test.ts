import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientToken, type TokenInput } from '../../src/core/client-token.js';
import { GENERATION_TYPES } from '../../src/core/generation-types.js';

const API_TOKEN_PATTERN = /^[\x21-\x7E]{1,128}$/;

const typesArb = fc.subarray([...GENERATION_TYPES], { minLength: 1, maxLength: 2 });
const inputArb: fc.Arbitrary<TokenInput> = fc.record({
  domainId: fc.string({ unit: 'binary', maxLength: 60 }),
  assetId: fc.string({ unit: 'binary', maxLength: 60 }),
  revision: fc.string({ unit: 'binary', maxLength: 64 }),
  generationTypes: typesArb,
});
const canonical = (input: TokenInput) =>
  JSON.stringify([input.domainId, input.assetId, input.revision, [...input.generationTypes].sort()]);

describe('clientToken', () => {
  it('is a pure function of its inputs (same inputs, same token, also for a copy of them)', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const copy = { ...input, generationTypes: [...input.generationTypes] };
        expect(clientToken(copy)).toBe(clientToken(input));
      }),
    );
  });

  it('does not depend on the order of the generation types', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const reversed = { ...input, generationTypes: [...input.generationTypes].reverse() };
        expect(clientToken(reversed)).toBe(clientToken(input));
      }),
    );
  });

  it('differs for any two different inputs', () => {
    fc.assert(
      fc.property(inputArb, inputArb, (a, b) => {
        fc.pre(canonical(a) !== canonical(b));
        expect(clientToken(a)).not.toBe(clientToken(b));
      }),
      { numRuns: 2000 },
    );
  });

  it('differs when one field changes, including changes that a concatenation would hide', () => {
    fc.assert(
      fc.property(
        inputArb,
        fc.constantFrom('domainId', 'assetId', 'revision'),
        fc.string({ minLength: 1 }),
        (input, field, suffix) => {
          const changed = { ...input, [field]: input[field] + suffix };
          expect(clientToken(changed)).not.toBe(clientToken(input));
        },
      ),
    );
    const base = { generationTypes: ['BUSINESS_NAMES'] as const };
    // "dzd_a" + "b-c" and "dzd_ab" + "-c" concatenate to the same text.
    expect(clientToken({ ...base, domainId: 'dzd_a', assetId: 'b-c', revision: '1' })).not.toBe(
      clientToken({ ...base, domainId: 'dzd_ab', assetId: '-c', revision: '1' }),
    );
    expect(clientToken({ ...base, domainId: 'dzd_a', assetId: 'b', revision: '12' })).not.toBe(
      clientToken({ ...base, domainId: 'dzd_a', assetId: 'b1', revision: '2' }),
    );
  });

  it('always satisfies the API constraint: 1–128 characters of \\x21-\\x7E', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        expect(clientToken(input)).toMatch(API_TOKEN_PATTERN);
      }),
    );
  });

  it('is stable across processes and releases (a pinned value)', () => {
    // If this changes, every asset revision already processed would get a second run after a deployment.
    expect(
      clientToken({
        domainId: 'dzd_bc8e1ez8r2a6xz',
        assetId: 'ayzstznnx4dxyf',
        revision: '3',
        generationTypes: ['BUSINESS_NAMES', 'BUSINESS_DESCRIPTIONS'],
      }),
    ).toMatchInlineSnapshot(`"dzmg1-HYSCy1UUSafLZqP8ivBiYqAC-Sd3lIBJSP6J0DA7iyY"`);
  });

  it('hashes text beyond ASCII as UTF-8 (a pinned value)', () => {
    expect(
      clientToken({
        domainId: 'dzd_bc8e1ez8r2a6xz',
        assetId: 'ayzstznnx4dxyf',
        revision: 'révision-é',
        generationTypes: ['BUSINESS_NAMES'],
      }),
    ).toBe('dzmg1-1JcUuh23oEKX8iqetJfBny-npTfB6PmMR2wi7yQXU0Y');
  });

  it('keeps the first attempt’s token as it always was, and gives every later attempt its own', () => {
    const input = {
      domainId: 'dzd_bc8e1ez8r2a6xz',
      assetId: 'ayzstznnx4dxyf',
      revision: '3',
      generationTypes: ['BUSINESS_NAMES', 'BUSINESS_DESCRIPTIONS'] as const,
    };
    expect(clientToken({ ...input, attempt: 1 })).toBe(clientToken(input));
    const tokens = [1, 2, 3].map((attempt) => clientToken({ ...input, attempt }));
    expect(new Set(tokens).size).toBe(3);
    expect(clientToken({ ...input, attempt: 2 })).toBe(tokens[1]);
    for (const token of tokens) expect(token).toMatch(API_TOKEN_PATTERN);
  });
});
