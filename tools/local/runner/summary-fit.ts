// The summary on a terminal narrower than its lines. Facts must survive the fit and free text may not flood the
// screen, so the two kinds of line are fitted differently, told apart by how the summary indents them.
import { codePoints, fitLine, printable } from './terminal.js';

/**
 * Lines indented this deep are an entry's details (reasons, error messages, message bodies, tokens): cut to the
 * width with an ellipsis. Shallower lines (headings, an event's status, totals, a revision's final status) are
 * wrapped, with the rest of the line indented under them.
 */
const DETAIL_INDENT = 6;
const HANGING_INDENT = 4;
/** A line of box-drawing rule: cut to the width without an ellipsis. */
const RULE = /^─+$/;

/** The summary fitted to `width` columns; without a width (a pipe or a file) it is printed whole, as it is. */
export function fitSummary(text: string, width: number | undefined): string {
  if (width === undefined) return text;
  return text
    .split('\n')
    .flatMap((line) => {
      if (RULE.test(line)) return [codePoints(line).slice(0, width).join('')];
      return indentOf(line) >= DETAIL_INDENT ? [fitLine(line, width)] : wrap(printable(line), width);
    })
    .join('\n');
}

const indentOf = (line: string): number => line.length - line.trimStart().length;

/** Broken at the last space that fits (mid-word only when a word is wider than the room), trailing spaces dropped. */
function wrap(line: string, width: number): string[] {
  const indent = indentOf(line);
  const hanging = ' '.repeat(Math.min(indent + HANGING_INDENT, Math.floor(width / 2)));
  const lines: string[] = [];
  let rest = codePoints(line);
  let prefix = '';
  while (prefix.length + rest.length > width) {
    const room = width - prefix.length;
    const space = rest.lastIndexOf(' ', room);
    // A break inside the line's own indentation would leave an empty line.
    const at = space > (prefix === '' ? indent : 0) ? space : room;
    lines.push(`${prefix}${rest.slice(0, at).join('').trimEnd()}`);
    rest = codePoints(rest.slice(at).join('').trimStart());
    prefix = hanging;
  }
  if (rest.length > 0 || lines.length === 0) lines.push(`${prefix}${rest.join('')}`);
  return lines;
}
