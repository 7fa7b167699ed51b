/**
 * Converts the model's Markdown to Slack mrkdwn for the post-and-update fallback, so it
 * renders like the native stream: bold, italics, strike, links, headings and bullets.
 * Code blocks and inline code are left untouched.
 */
export function markdownToMrkdwn(markdown: string): string {
  const parts = markdown.split(/(```[\s\S]*?(?:```|$))/g);
  return parts.map((part, index) => (index % 2 === 1 ? part : convertProse(part))).join('');
}

function convertProse(text: string): string {
  return text
    .split(/(`[^`\n]+`)/g)
    .map((segment, index) => (index % 2 === 1 ? segment : convertInline(segment)))
    .join('');
}

function convertInline(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/^&gt; ?/gm, '> ')
    .replace(/^#{1,6}\s+(.+?)\s*#*$/gm, (_m, title: string) => `\u0001${title.replace(/\*\*/g, '')}\u0001`)
    .replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g, '<$2|$1>')
    .replace(/\*\*(.+?)\*\*/g, '\u0001$1\u0001')
    .replace(/__(.+?)__/g, '\u0001$1\u0001')
    .replace(/(^|[^*\w])\*(?!\s)([^*\n]+?)\*(?![*\w])/g, '$1_$2_')
    .replace(/\u0001/g, '*')
    .replace(/~~(.+?)~~/g, '~$1~')
    .replace(/^(\s*)[-*+]\s+/gm, '$1• ')
    .replace(/^(\s*)\d+\.\s+/gm, (match) => match);
}
