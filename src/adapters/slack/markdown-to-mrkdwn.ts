import { escapeSlackText, neutraliseBroadcastWords, revealDeceptiveLinks } from './sanitize-outbound-text.js';

/**
 * Converts the model's Markdown to Slack mrkdwn for the post-and-update fallback, so it
 * renders like the native stream: bold, italics, strike, links, headings and bullets.
 * The result is sanitized (see `sanitize-outbound-text.ts`): deceptive links show their real
 * target, and `&`, `<`, `>` are escaped everywhere — code blocks and inline code included,
 * which otherwise keep their text as it is.
 */
export function markdownToMrkdwn(markdown: string): string {
  const parts = neutraliseBroadcastWords(revealDeceptiveLinks(markdown)).split(/(```[\s\S]*?(?:```|$))/g);
  return parts.map((part, index) => (index % 2 === 1 ? escapeCode(part) : convertProse(part))).join('');
}

/** Code keeps its characters; only Slack's control characters are escaped. */
function escapeCode(code: string): string {
  return code.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function convertProse(text: string): string {
  return text
    .split(/(`[^`\n]+`)/g)
    .map((segment, index) => (index % 2 === 1 ? escapeCode(segment) : convertInline(segment)))
    .join('');
}

function convertInline(text: string): string {
  return escapeSlackText(text)
    .replace(/^#{1,6}\s+(.+?)\s*#*$/gm, (_m, title: string) => `\u0001${title.replace(/\*\*/g, '')}\u0001`)
    // A `|` in the URL would end it early and make the rest a label: it is percent-encoded.
    .replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g, (_m, label: string, url: string) => `<${url.replace(/\|/g, '%7C')}|${label}>`)
    .replace(/\*\*(.+?)\*\*/g, '\u0001$1\u0001')
    .replace(/__(.+?)__/g, '\u0001$1\u0001')
    .replace(/(^|[^*\w])\*(?!\s)([^*\n]+?)\*(?![*\w])/g, '$1_$2_')
    .replace(/\u0001/g, '*')
    .replace(/~~(.+?)~~/g, '~$1~')
    .replace(/^(\s*)[-*+]\s+/gm, '$1• ')
    .replace(/^(\s*)\d+\.\s+/gm, (match) => match);
}
