/** How the runner decides on colour and width, and cuts a line to fit a terminal. */
import { describe, expect, it } from 'vitest';
import {
  colourWanted,
  displayFor,
  fitLine,
  printable,
  renderSegments,
  type Segment,
} from '../../../tools/local/runner/terminal.js';

const ESC = '\x1b';
const TERMINAL = true;
const PIPE = false;

describe('colourWanted', () => {
  it('colours a terminal and not a pipe', () => {
    expect(colourWanted(TERMINAL, {})).toBe(true);
    expect(colourWanted(PIPE, {})).toBe(false);
  });

  it('honours NO_COLOR when it is set and not empty, and TERM=dumb', () => {
    expect(colourWanted(TERMINAL, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted(TERMINAL, { NO_COLOR: '' })).toBe(true);
    expect(colourWanted(TERMINAL, { TERM: 'dumb' })).toBe(false);
  });

  it('lets FORCE_COLOR decide over everything else, as Node does: 0 and false turn colour off', () => {
    expect(colourWanted(PIPE, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourWanted(PIPE, { FORCE_COLOR: '' })).toBe(true);
    expect(colourWanted(PIPE, { FORCE_COLOR: '3', NO_COLOR: '1' })).toBe(true);
    expect(colourWanted(TERMINAL, { FORCE_COLOR: '0' })).toBe(false);
    expect(colourWanted(TERMINAL, { FORCE_COLOR: 'false' })).toBe(false);
  });
});

describe('displayFor', () => {
  it('fits a terminal to its columns, or to 80 when it does not say', () => {
    expect(displayFor({ isTTY: true, columns: 132 }, {})).toEqual({ colour: true, width: 132 });
    expect(displayFor({ isTTY: true }, {})).toEqual({ colour: true, width: 80 });
    expect(displayFor({ isTTY: true, columns: 0 }, {})).toEqual({ colour: true, width: 80 });
  });

  it('leaves lines into a pipe or a file whole and plain', () => {
    expect(displayFor({ isTTY: false, columns: 132 }, {})).toEqual({ colour: false, width: undefined });
    expect(displayFor({}, {})).toEqual({ colour: false, width: undefined });
  });

  it('colours a pipe only when FORCE_COLOR asks, still without a width', () => {
    expect(displayFor({}, { FORCE_COLOR: '1' })).toEqual({ colour: true, width: undefined });
  });
});

describe('renderSegments', () => {
  const segments: Segment[] = [
    { text: '12:00:01.234', style: 'dim' },
    { text: ' ' },
    { text: 'started', style: 'green' },
  ];

  it('joins the segments, colouring each styled one when colour is on', () => {
    expect(renderSegments(segments, { colour: false, width: undefined })).toBe('12:00:01.234 started');
    expect(renderSegments(segments, { colour: true, width: undefined })).toBe(
      `${ESC}[2m12:00:01.234${ESC}[0m ${ESC}[32mstarted${ESC}[0m`,
    );
  });

  it('keeps a line that fits the width exactly', () => {
    expect(renderSegments(segments, { colour: false, width: 20 })).toBe('12:00:01.234 started');
  });

  it('cuts a longer line to the width, its last character an ellipsis', () => {
    expect(renderSegments(segments, { colour: false, width: 16 })).toBe('12:00:01.234 st…');
    expect(renderSegments(segments, { colour: false, width: 13 })).toBe('12:00:01.234…');
    expect(renderSegments(segments, { colour: false, width: 5 })).toBe('12:0…');
  });

  it('counts only the characters that show: colour codes are added after the cut', () => {
    expect(renderSegments(segments, { colour: true, width: 16 })).toBe(
      `${ESC}[2m12:00:01.234${ESC}[0m ${ESC}[32mst…${ESC}[0m`,
    );
  });

  it('counts code points, never splitting a character outside the BMP', () => {
    expect(renderSegments([{ text: 'ab😀😀😀' }], { colour: false, width: 4 })).toBe('ab😀…');
  });
});

describe('printable', () => {
  it('shows control characters as escapes, so an event cannot drive the terminal', () => {
    expect(printable(`red ${ESC}[31mtext\x07\x9b`)).toBe('red \\u001b[31mtext\\u0007\\u009b');
  });

  it('turns tabs and line breaks into spaces: one log line stays one line', () => {
    expect(printable('a\tb\r\nc')).toBe('a b  c');
  });
});

describe('fitLine', () => {
  it('cuts a line to a terminal width, with its control characters escaped', () => {
    expect(fitLine(`runner › sent 20 of 20 event(s)${ESC}`, 20)).toBe('runner › sent 20 of…');
    expect(fitLine(`bell\x07`, 80)).toBe('bell\\u0007');
  });

  it('leaves a line for a pipe as it is', () => {
    const line = `runner › ${'x'.repeat(200)}\x07`;
    expect(fitLine(line, undefined)).toBe(line);
  });
});
