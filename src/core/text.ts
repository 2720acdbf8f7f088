/**
 * Text that came from outside (event fields, error messages the service echoes back) made safe to pass on:
 * bounded in length without splitting a character, and, for SQS, limited to the characters it accepts.
 */

const REPLACEMENT = '\uFFFD';
const ELLIPSIS = '…';

/**
 * XML 1.0's Char production, the set SQS accepts in bodies and attribute values. Its last range ends at U+10FFFF,
 * the last code point a string can hold, so that end needs no check.
 */
function isXmlChar(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    codePoint >= 0x10000
  );
}

/**
 * At most `maxCodePoints` code points, the last one an ellipsis when text was cut. Iterating by code point keeps
 * surrogate pairs whole; a lone surrogate in the input counts as one code point and is kept as it is.
 */
export function truncateCodePoints(text: string, maxCodePoints: number): string {
  // Each code point takes one or two UTF-16 units, so a string this short cannot be over the limit.
  if (text.length <= maxCodePoints) return text;
  const codePoints = Array.from(text);
  if (codePoints.length <= maxCodePoints) return text;
  return codePoints.slice(0, Math.max(0, maxCodePoints - 1)).join('') + ELLIPSIS;
}

/** Replaces every character SQS would refuse (C0 controls, U+FFFE/U+FFFF, lone surrogates) with U+FFFD. */
export function toXmlText(text: string): string {
  let out = '';
  for (const char of text) {
    out += isXmlChar(char.codePointAt(0) ?? 0) ? char : REPLACEMENT;
  }
  return out;
}

/** Printable ASCII only, every other code point as "?": the form no text-based protocol refuses. */
export function toPrintableAscii(text: string): string {
  let out = '';
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? 0;
    out += codePoint >= 0x20 && codePoint <= 0x7e ? char : '?';
  }
  return out;
}

/**
 * JSON text that SQS accepts as a message body and that parses to the same value: JSON.stringify already escapes
 * control characters and lone surrogates, but leaves U+FFFE and U+FFFF as they are, which SQS refuses.
 */
export function toXmlSafeJson(json: string): string {
  return json.replace(/[\uFFFE\uFFFF]/g, (char) => `\\u${char.charCodeAt(0).toString(16).toUpperCase()}`);
}
