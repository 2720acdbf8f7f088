/** Outside text made safe to pass on: bounded by code points, and limited to what SQS or ASCII protocols accept. */
import { describe, expect, it } from 'vitest';
import { toPrintableAscii, toXmlSafeJson, toXmlText, truncateCodePoints } from '../../src/core/text.js';

const GRINNING = '\u{1F600}';

describe('truncateCodePoints', () => {
  it('keeps text of at most the limit as it is', () => {
    expect(truncateCodePoints('abc', 3)).toBe('abc');
    expect(truncateCodePoints('', 0)).toBe('');
  });

  it('cuts longer text to the limit, the ellipsis counted in it', () => {
    expect(truncateCodePoints('abcd', 3)).toBe('ab…');
    expect(truncateCodePoints('abcd', 1)).toBe('…');
  });

  it('counts a surrogate pair as one code point, and never splits it', () => {
    expect(truncateCodePoints(GRINNING, 1)).toBe(GRINNING);
    expect(truncateCodePoints(`${GRINNING}${GRINNING}`, 2)).toBe(`${GRINNING}${GRINNING}`);
    expect(truncateCodePoints(`${GRINNING}${GRINNING}${GRINNING}`, 2)).toBe(`${GRINNING}…`);
  });

  it('counts a lone surrogate as one code point, kept as it is', () => {
    expect(truncateCodePoints('\uD800a', 2)).toBe('\uD800a');
    expect(truncateCodePoints('\uD800ab', 2)).toBe('\uD800…');
  });
});

describe('toXmlText', () => {
  it('keeps every character XML 1.0 allows, at the ends of its ranges', () => {
    const allowed = [
      '\t',
      '\n',
      '\r',
      ' ',
      '\uD7FF',
      '\uE000',
      '\uFFFD',
      '\u{10000}',
      '\u{10FFFF}',
      GRINNING,
    ];
    for (const char of allowed) expect(toXmlText(`a${char}b`)).toBe(`a${char}b`);
  });

  it('replaces the characters SQS refuses with U+FFFD', () => {
    const refused = ['\u0000', '\u0008', '\u000B', '\u001F', '\uD800', '\uDFFF', '\uFFFE', '\uFFFF'];
    for (const char of refused) expect(toXmlText(`a${char}b`)).toBe('a\uFFFDb');
  });
});

describe('toPrintableAscii', () => {
  it('keeps printable ASCII, from the space to the tilde', () => {
    expect(toPrintableAscii(' !AZaz~')).toBe(' !AZaz~');
  });

  it('turns every other code point into one "?"', () => {
    expect(toPrintableAscii('\u001F\u007F\t\u00E9')).toBe('????');
    expect(toPrintableAscii(`a${GRINNING}b`)).toBe('a?b');
  });
});

describe('toXmlSafeJson', () => {
  it('escapes U+FFFE and U+FFFF, and the JSON still parses to the same value', () => {
    const value = { message: 'a\uFFFEb\uFFFFc' };
    const json = toXmlSafeJson(JSON.stringify(value));
    expect(json).toBe('{"message":"a\\uFFFEb\\uFFFFc"}');
    expect(JSON.parse(json)).toEqual(value);
  });
});
