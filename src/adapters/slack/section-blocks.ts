/** Slack's limit on a `section` block's text. */
const maxSectionChars = 3000;

/**
 * Message text as `section` blocks (mrkdwn), for a message that also carries other blocks:
 * Slack then shows the blocks, not `text`. Text over one section's 3,000 chars is split at a
 * line break (a line longer than that is cut).
 */
export function toSectionBlocks(mrkdwn: string): Record<string, unknown>[] {
  const sections: string[] = [];
  let rest = mrkdwn;
  while (rest.length > maxSectionChars) {
    const breakAt = rest.lastIndexOf('\n', maxSectionChars);
    const cut = breakAt > 0 ? breakAt : maxSectionChars;
    sections.push(rest.slice(0, cut));
    rest = rest.slice(breakAt > 0 ? cut + 1 : cut);
  }
  if (rest.trim() !== '') sections.push(rest);
  return sections.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }));
}
