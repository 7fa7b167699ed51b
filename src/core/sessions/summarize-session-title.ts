/**
 * The title of a thread's agent session, made from its first question: one short line a person
 * recognises in their list of sessions. Titles are shown in Slack's UI and kept by Slack, so
 * anything that looks like a secret (tokens, keys, passwords, long opaque strings) is replaced,
 * as are links and mentions (which carry ids, not words).
 */

/** Slack caps a session title at 200 characters; a list entry is read at a glance, so far fewer. */
export const MAX_SESSION_TITLE_CHARS = 60;

/** Shapes of credentials that must never become a title. */
const SECRET_PATTERNS: RegExp[] = [
  // Slack tokens (xoxb-, xoxp-, xapp-, …), Anthropic / OpenAI-style keys, GitHub tokens, AWS key ids.
  /\bxox[abposr]-[A-Za-z0-9-]+/g,
  /\bxapp-[A-Za-z0-9-]+/g,
  /\bsk-[A-Za-z0-9_-]{8,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{16,}/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  // key=value pairs whose key says what they are.
  /\b(password|passwd|pwd|secret|token|api[_-]?key|apikey|auth)\s*[:=]\s*\S+/gi,
  // Bearer credentials and JWTs.
  /\bBearer\s+\S+/gi,
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g,
  // Any other long opaque run of letters and digits (hex or base64 blobs).
  /\b(?=[A-Za-z0-9+/_-]*\d)(?=[A-Za-z0-9+/_-]*[A-Za-z])[A-Za-z0-9+/_-]{32,}={0,2}/g,
];

/**
 * A title for a session from its first question, or undefined when nothing readable is left
 * (the session then keeps Slack's default title).
 */
export function summarizeSessionTitle(question: string): string | undefined {
  let text = question
    // Slack markup: user/channel mentions and links become nothing or their label.
    .replace(/<[@#!][^>]*>/g, ' ')
    .replace(/<(?:https?|mailto):[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<(?:https?|mailto):[^>]*>/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
    // Code is rarely what a question is about in a glance, and often holds the secrets.
    .replace(/```[\s\S]*?(```|$)/g, ' ')
    .replace(/`[^`]*`/g, ' ');
  for (const pattern of SECRET_PATTERNS) text = text.replace(pattern, ' ');
  // Markdown emphasis and quote markers read as noise in a title.
  text = text.replace(/^[>\s]+/gm, '').replace(/[*_~]+/g, '');
  const firstLine = text
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .find((line) => /[\p{L}\p{N}]/u.test(line));
  if (firstLine === undefined) return undefined;
  if (firstLine.length <= MAX_SESSION_TITLE_CHARS) return firstLine;
  // Cut at a word boundary and say it was cut.
  const cut = firstLine.slice(0, MAX_SESSION_TITLE_CHARS - 1);
  const atWord = cut.replace(/\s+\S*$/, '');
  return `${(atWord.length >= MAX_SESSION_TITLE_CHARS / 2 ? atWord : cut).trimEnd()}…`;
}
