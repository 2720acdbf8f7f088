// The characters SQS accepts in a message body and in string attribute values: XML 1.0's Char production.
// With the `u` flag a surrogate pair is one code point and a lone surrogate is a code point of its own, outside
// the set, as SQS sees it after decoding the JSON escape the SDK sends for it.
const OUTSIDE = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** The allowed set, as SQS lists it in its refusals. */
export const ALLOWED_CHARACTERS = '#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]';

/** The first character outside the set, as SQS names it ('#x0', '#xFFFF', '#xD800'), or undefined. */
export function invalidCharacter(text: string): string | undefined {
  const found = OUTSIDE.exec(text)?.[0].codePointAt(0);
  return found === undefined ? undefined : `#x${found.toString(16).toUpperCase()}`;
}
