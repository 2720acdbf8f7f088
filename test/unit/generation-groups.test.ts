/** Generation types into runs of at most two, by a fixed rule. */
import { describe, expect, it } from 'vitest';
import { generationGroups, groupOf } from '../../src/core/generation-types.js';

describe('generationGroups', () => {
  it('keeps one or two types in one run, sorted', () => {
    expect(generationGroups(['BUSINESS_NAMES'])).toEqual([['BUSINESS_NAMES']]);
    expect(generationGroups(['BUSINESS_NAMES', 'BUSINESS_DESCRIPTIONS'])).toEqual([
      ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'],
    ]);
    expect(generationGroups(['BUSINESS_GLOSSARY_ASSOCIATIONS', 'BUSINESS_NAMES'])).toEqual([
      ['BUSINESS_GLOSSARY_ASSOCIATIONS', 'BUSINESS_NAMES'],
    ]);
  });

  it('puts glossary associations in a run of their own when all three are asked for, in any order', () => {
    const expected = [['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'], ['BUSINESS_GLOSSARY_ASSOCIATIONS']];
    expect(
      generationGroups(['BUSINESS_GLOSSARY_ASSOCIATIONS', 'BUSINESS_NAMES', 'BUSINESS_DESCRIPTIONS']),
    ).toEqual(expected);
    expect(
      generationGroups(['BUSINESS_NAMES', 'BUSINESS_DESCRIPTIONS', 'BUSINESS_GLOSSARY_ASSOCIATIONS']),
    ).toEqual(expected);
  });
});

describe('groupOf', () => {
  const groups = generationGroups([
    'BUSINESS_NAMES',
    'BUSINESS_DESCRIPTIONS',
    'BUSINESS_GLOSSARY_ASSOCIATIONS',
  ]);

  it('finds the group that holds all of a run’s types', () => {
    expect(groupOf(['BUSINESS_NAMES'], groups)).toBe(groups[0]);
    expect(groupOf(['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES'], groups)).toBe(groups[0]);
    expect(groupOf(['BUSINESS_GLOSSARY_ASSOCIATIONS'], groups)).toBe(groups[1]);
  });

  it('finds none for types split over groups, or for no types', () => {
    expect(groupOf(['BUSINESS_NAMES', 'BUSINESS_GLOSSARY_ASSOCIATIONS'], groups)).toBeUndefined();
    expect(groupOf([], groups)).toBeUndefined();
  });
});
