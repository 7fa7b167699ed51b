import type { ProgressItem } from '../../core/reply/ports.js';
import { escapeSlackText, neutraliseBroadcastWords } from './sanitize-outbound-text.js';

/** Slack's limit on a task card's `details` and `output`. */
const maxTaskTextChars = 256;

/**
 * A progress item as Slack's `task_update` stream chunk. Titles, details, output and source
 * names come from tool inputs and results — untrusted — so they are sanitized like answer text;
 * a source whose link is not http(s) is left out.
 */
export function toTaskChunk(item: ProgressItem): Record<string, unknown> {
  const sources = (item.sources ?? []).filter((source) => /^https?:\/\//i.test(source.url));
  return {
    type: 'task_update',
    id: item.id,
    title: sanitizeTaskText(item.title),
    status: item.status,
    ...(item.details ? { details: sanitizeTaskText(item.details, maxTaskTextChars) } : {}),
    ...(item.output ? { output: sanitizeTaskText(item.output, maxTaskTextChars) } : {}),
    ...(sources.length > 0 ? { sources: sources.map((source) => ({ type: 'url', url: source.url, text: sanitizeTaskText(source.title) || source.url })) } : {}),
  };
}

/** Escaped and neutralised; with a limit, cut so the escaped text still fits it. */
function sanitizeTaskText(text: string, maxChars = Infinity): string {
  const sanitize = (raw: string) => escapeSlackText(neutraliseBroadcastWords(raw));
  let sanitized = sanitize(text);
  for (let keep = text.length; sanitized.length > maxChars && keep > 0; ) {
    keep = Math.max(0, keep - (sanitized.length - maxChars) - 1);
    sanitized = sanitize(`${text.slice(0, keep)}…`);
  }
  return sanitized;
}

/** A progress item as one line of text (post-and-update fallback). */
export function formatProgressLine(item: ProgressItem): string {
  const mark = item.status === 'complete' ? '✓' : item.status === 'error' ? '✗' : '…';
  return `\n_${item.title}${item.details ? `: ${item.details}` : ''} ${mark}_\n`;
}
