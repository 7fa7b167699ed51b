import { neutralizeUntrustedTags } from './quote-untrusted.js';

/** Longest display name kept in a prompt (Slack allows 80 characters for a display name). */
const MAX_NAME_CHARS = 80;

/**
 * How the model reads who wrote something: `Alice (U123)`, or just `U123` when the name is
 * unknown. The id is the identity (it comes from Slack's event, never from the text); the display
 * name is whatever the person chose, so it is flattened to one line and stripped of the brackets,
 * parentheses, quotes and angle brackets the attribution formats use — a name such as
 * `Bob (U456)]` cannot pass for another person or end a header.
 */
export function formatAuthor(userId: string, displayName?: string): string {
  const name = neutralizeUntrustedTags(displayName ?? '')
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/[[\]()<>"]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_NAME_CHARS)
    .trim();
  // Ids come from Slack's payloads, not from text; kept to id characters all the same.
  const id = userId.replace(/[^A-Za-z0-9_-]/g, '') || 'unknown';
  return name === '' || name === id ? id : `${name} (${id})`;
}
