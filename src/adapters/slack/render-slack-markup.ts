/**
 * Renders Slack message markup readably for the model: the bot's own mention is removed,
 * other mentions and links become plain text, and HTML entities are decoded.
 * `<@U1|ann>` → `@ann`, `<#C1|general>` → `#general`, `<https://x|docs>` → `docs (https://x)`,
 * `<!here>` → `@here`, `&lt;` → `<`.
 */
export function renderSlackMarkup(text: string, botUserId?: string): string {
  const rendered = text.replace(/<([^<>]*)>/g, (_whole, inner: string) => renderToken(inner, botUserId));
  return rendered
    // Only the gap left by the bot's mention is collapsed: other spacing (code indentation) is kept.
    .replace(/[ \t]*\u0000[ \t]*/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
}

function renderToken(inner: string, botUserId: string | undefined): string {
  const [target = '', label] = splitOnce(inner, '|');
  if (target.startsWith('@')) {
    const userId = target.slice(1);
    if (userId === botUserId) return '\u0000';
    return label ? `@${label.replace(/^@/, '')}` : `@${userId}`;
  }
  if (target.startsWith('#')) return label ? `#${label}` : target;
  if (target.startsWith('!subteam^')) return label ?? '@group';
  if (target.startsWith('!date^')) return label ?? '';
  if (target.startsWith('!')) return `@${target.slice(1)}`;
  if (target.startsWith('mailto:')) return label ?? target.slice('mailto:'.length);
  if (label && label !== target) return `${label} (${target})`;
  return target;
}

function splitOnce(value: string, separator: string): [string, string | undefined] {
  const index = value.indexOf(separator);
  return index === -1 ? [value, undefined] : [value.slice(0, index), value.slice(index + 1)];
}

/** True when the text mentions the given user (e.g. the bot) with `<@U…>` markup. */
export function mentionsUser(text: string, userId: string): boolean {
  return text.includes(`<@${userId}>`) || text.includes(`<@${userId}|`);
}
