import { fenceMarker, findOpenFence } from './markdown-fences.js';

/**
 * Splits Markdown into chunks of at most `maxChars`, preferring paragraph breaks, then line
 * breaks, then spaces, and never leaving a code block broken: when a split must fall inside
 * a fenced block, the chunk closes the fence and the next chunk reopens it (same language).
 */
export function splitMarkdown(markdown: string, maxChars: number): string[] {
  const chunks: string[] = [];
  let rest = markdown;
  let reopen = '';
  while (rest.length > 0) {
    const budget = maxChars - reopen.length - 5; // room for a closing fence
    if (reopen.length + rest.length <= maxChars) {
      chunks.push(reopen + rest);
      break;
    }
    const cut = chooseCut(rest, budget);
    let chunk = reopen + rest.slice(0, cut);
    rest = rest.slice(cut).replace(/^\n+/, '');
    const open = findOpenFence(chunk);
    if (open !== undefined) {
      chunk = `${chunk.replace(/\n*$/, '')}\n${fenceMarker(open)}`;
      reopen = `${open}\n`;
    } else {
      reopen = '';
    }
    chunks.push(chunk.replace(/\s+$/, ''));
  }
  return chunks.filter((chunk) => chunk.trim() !== '');
}

/** Best cut position ≤ budget: outside code fences at a paragraph break when possible. */
function chooseCut(text: string, budget: number): number {
  const window = text.slice(0, Math.max(1, budget));
  const candidates = [
    lastBreakOutsideFence(window, '\n\n'),
    lastIndexAfterHalf(window, '\n\n'),
    lastIndexAfterHalf(window, '\n'),
    lastIndexAfterHalf(window, ' '),
  ];
  for (const candidate of candidates) {
    if (candidate > 0) return candidate;
  }
  return window.length;
}

function lastBreakOutsideFence(window: string, separator: string): number {
  let index = window.lastIndexOf(separator);
  while (index > window.length / 4) {
    if (findOpenFence(window.slice(0, index)) === undefined) return index;
    index = window.lastIndexOf(separator, index - 1);
  }
  return -1;
}

function lastIndexAfterHalf(window: string, separator: string): number {
  const index = window.lastIndexOf(separator);
  return index > window.length / 2 ? index : -1;
}
