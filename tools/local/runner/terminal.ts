// How the runner's output meets a terminal: whether to colour it, how wide a line may be, and lines cut to fit.
// Plain ANSI codes: the runner needs five colours, not a dependency.

/** How to print to one stream. */
export interface Display {
  readonly colour: boolean;
  /** Cut lines to this many characters; undefined (a pipe or a file): print them whole. */
  readonly width: number | undefined;
}

/** A stream as far as printing cares: process.stdout and process.stderr are ones. */
export interface OutputStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
}

const DEFAULT_COLUMNS = 80;

export function displayFor(stream: OutputStream, env: Readonly<Record<string, string | undefined>>): Display {
  const tty = stream.isTTY === true;
  const columns = stream.columns !== undefined && stream.columns > 0 ? stream.columns : DEFAULT_COLUMNS;
  return { colour: colourWanted(tty, env), width: tty ? columns : undefined };
}

/**
 * FORCE_COLOR decides when set (`0` or `false` turns colour off, any other value on, even into a pipe), as in
 * Node; otherwise NO_COLOR (set and not empty, per no-color.org) or TERM=dumb turns it off; otherwise a
 * terminal gets colour and a pipe does not.
 */
export function colourWanted(tty: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return tty && env.TERM !== 'dumb';
}

export type Style = 'dim' | 'red' | 'green' | 'yellow' | 'cyan';

const SGR: Record<Style, string> = { dim: '2', red: '31', green: '32', yellow: '33', cyan: '36' };

/** A piece of a line, printed in one style (none: the terminal's own). */
export interface Segment {
  readonly text: string;
  readonly style?: Style | undefined;
}

/**
 * Control characters from events and services (an escape sequence in a reason, say) shown as escapes, so that
 * they neither drive the terminal nor break a line; a tab, newline or carriage return becomes a space.
 */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) =>
    c === '\t' || c === '\n' || c === '\r' ? ' ' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * The segments joined, cut to `width` characters (code points) with an ellipsis, coloured if asked. The cut
 * counts only what shows: colour codes are added after it.
 */
export function renderSegments(segments: readonly Segment[], display: Display): string {
  const fitted = display.width === undefined ? segments : cut(segments, display.width);
  return fitted
    .map(({ text, style }) =>
      display.colour && style !== undefined && text !== '' ? paint(style, text) : text,
    )
    .join('');
}

function paint(style: Style, text: string): string {
  return `\x1b[${SGR[style]}m${text}\x1b[0m`;
}

function cut(segments: readonly Segment[], width: number): Segment[] {
  const total = segments.reduce((sum, { text }) => sum + codePoints(text).length, 0);
  if (total <= width) return [...segments];
  let room = Math.max(width - 1, 0);
  const out: Segment[] = [];
  for (const segment of segments) {
    const points = codePoints(segment.text);
    if (points.length >= room) {
      out.push({ ...segment, text: `${points.slice(0, room).join('')}…` });
      return out;
    }
    out.push(segment);
    room -= points.length;
  }
  return out;
}

export const codePoints = (text: string): string[] => Array.from(text);

/** One line for a terminal: control characters shown as escapes, cut to the width. Without a width, as it is. */
export function fitLine(line: string, width: number | undefined): string {
  return width === undefined ? line : renderSegments([{ text: printable(line) }], { colour: false, width });
}
