import { nextFenceState } from './markdown-fences.js';

/**
 * Positions in `text` where a message may end cleanly: right after a blank line (a paragraph
 * break) or right after a closing code fence — never inside a code block. Only complete lines
 * count. Returns positions `p` with `from < p <= to`, ascending.
 */
export function findCleanBreaks(text: string, from: number, to: number): number[] {
  const breaks: number[] = [];
  let open: string | undefined;
  let lineStart = 0;
  for (;;) {
    const lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0 || lineEnd + 1 > to) break;
    const line = text.slice(lineStart, lineEnd);
    const wasOpen = open !== undefined;
    open = nextFenceState(open, line);
    const position = lineEnd + 1;
    const closedFence = wasOpen && open === undefined;
    if (position > from && open === undefined && (closedFence || (line.trim() === '' && lineStart > 0))) {
      breaks.push(position);
    }
    lineStart = position;
  }
  return breaks;
}
