import type { ProgressItem } from '../../core/reply/ports.js';

/** A progress item as Slack's `task_update` stream chunk. */
export function toTaskChunk(item: ProgressItem): Record<string, unknown> {
  return {
    type: 'task_update',
    id: item.id,
    title: item.title,
    status: item.status,
    ...(item.details ? { details: item.details } : {}),
    ...(item.output ? { output: item.output } : {}),
    ...(item.sources && item.sources.length > 0 ? { sources: item.sources.map((source) => ({ type: 'url', url: source.url, text: source.title })) } : {}),
  };
}

/** A progress item as one line of text (post-and-update fallback). */
export function formatProgressLine(item: ProgressItem): string {
  const mark = item.status === 'complete' ? '✓' : item.status === 'error' ? '✗' : '…';
  return `\n_${item.title}${item.details ? `: ${item.details}` : ''} ${mark}_\n`;
}
