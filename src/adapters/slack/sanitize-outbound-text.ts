/**
 * The one outbound sanitizer: every text the bot sends to Slack that came from a person or
 * the model passes through here, so it can never notify a channel, mention someone, or
 * disguise a link. Markup the bot's own code adds (the asker's mention, a channel link) is
 * composed *after* sanitizing, with {@link mentionUser} / {@link linkChannel}; it never passes
 * through the sanitizer.
 *
 * What Slack's docs say, and what follows from it:
 * - "Formatting text for app surfaces" / "Formatting message text": `&`, `<` and `>` are
 *   Slack's control characters and must be sent as `&amp;`, `&lt;`, `&gt;` when not meant as
 *   markup; only those three entities are decoded for display. Mentions (`<@U…>`), broadcasts
 *   (`<!here>`, `<!channel>`, `<!everyone>`, `<!subteam^…>`) and masked links (`<url|label>`)
 *   are exactly those `<…>` sequences. The docs make no exception for code: a code span or
 *   block shows `&lt;` as `<`, and an unescaped `<!channel>` inside backticks is still parsed,
 *   which is why code is escaped here too (it still renders as code, with the same characters).
 * - The streaming API's `markdown_text` (chat.startStream / appendStream / stopStream) is the
 *   text of a `markdown` block: "standard markdown" that Slack translates into its own message
 *   markup. The docs document no other way to write a literal `<` there and no exemption from
 *   the control-character rule, so the same three entities are sent in `markdown_text` as in
 *   mrkdwn `text`; the e2e tests check what the fake (built from these docs) records.
 * - A plain `@here` / `@channel` / `@everyone` only notifies when a message is sent with
 *   `link_names: true` or `parse: 'full'`, which the bot never does. Whether the `markdown`
 *   block's translation links them is not documented, so they are neutralised anyway with an
 *   invisible word joiner after the `@` (the text reads the same).
 *
 * Every rewrite here is local (an escaped character, one `@word`, one `[label](url)`), so
 * sanitizing the pieces of a text gives the same result as sanitizing the whole, as long as
 * no piece ends inside a Markdown link or an `@word` — {@link findUnfinishedTail} tells the
 * streaming code where such a tail starts.
 */

/** Where the text starts: at a line start, a leading `>` is a Markdown quote marker and stays. */
export interface SanitizeOptions {
  /** False when the text continues a line already sent (a stream chunk after a partial line). */
  atLineStart?: boolean;
}

/** How far back an unfinished `[label](url` is held, so a stray `[` never holds text for long. */
export const maxHeldLinkChars = 1_000;

const word = '\u2060';
const broadcastWords = ['here', 'channel', 'everyone'];

/**
 * Sanitizes untrusted Markdown for `markdown_text` (and as the first step of the mrkdwn
 * fallback): deceptive masked links show their real target, plain broadcast words are
 * neutralised, and `&`, `<`, `>` are escaped everywhere, code included. A `>` that opens a
 * line (a block quote) is kept.
 */
export function sanitizeOutboundMarkdown(markdown: string, options: SanitizeOptions = {}): string {
  return escapeSlackText(neutraliseBroadcastWords(revealDeceptiveLinks(markdown)), options);
}

/**
 * Escapes Slack's three control characters. A `>` (or `> >`) at the start of a line is left as
 * the quote marker it is in Markdown and mrkdwn — a lone `>` cannot open any Slack markup.
 */
export function escapeSlackText(text: string, options: SanitizeOptions = {}): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const pattern = options.atLineStart === false ? /(\n[ \t]{0,3})((?:&gt; ?)+)/g : /(^|\n)([ \t]{0,3}(?:&gt; ?)+)/g;
  return escaped.replace(pattern, (_whole, start: string, markers: string) => start + markers.replace(/&gt;/g, '>'));
}

/** `@here`, `@channel`, `@everyone` as plain words get an invisible joiner so nothing can link them. */
export function neutraliseBroadcastWords(text: string): string {
  return text.replace(/@(here|channel|everyone)\b/gi, (_whole, name: string) => `@${word}${name}`);
}

/**
 * A Markdown link `[label](url)` whose label names a URL or domain other than its target is
 * written as `label (url)`, so the real target is what a reader sees. Labels that are plain
 * words, or name the target's own domain, stay links.
 */
export function revealDeceptiveLinks(markdown: string): string {
  return markdown.replace(/\[((?:[^[\]\n]|\n(?!\n))*)\]\(([^()\s]*)\)/g, (whole, label: string, url: string) =>
    isDeceptiveLabel(label, url) ? `${label} (${url})` : whole,
  );
}

/** Domain-looking tokens: letters of any script (look-alikes), dots including fullwidth ones. */
const domainToken = /(?:[a-z][a-z0-9+.-]*:\/\/)?((?:[\p{L}\p{N}-]+[.．。｡])+[\p{L}]{2,})/giu;

/** True when the label names a host (URL or bare domain) that is not the target's. */
export function isDeceptiveLabel(label: string, url: string): boolean {
  const target = hostOf(url);
  for (const match of label.matchAll(domainToken)) {
    const named = normaliseHost(match[1] ?? '');
    if (named === undefined) return true;
    // A file name that is the link's own path (`[README.md](…/README.md)`) names no host.
    if (!match[0].includes('://') && target !== undefined && pathOf(url).includes(match[1] ?? '')) continue;
    if (target === undefined) return true;
    if (named !== target && !target.endsWith(`.${named}`)) return true;
  }
  return false;
}

function hostOf(url: string): string | undefined {
  try {
    return stripWww(new URL(url).hostname);
  } catch {
    return undefined;
  }
}

function pathOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname);
  } catch {
    return '';
  }
}

/** A host as the URL parser spells it (punycode), so look-alike letters never equal ASCII ones. */
function normaliseHost(host: string): string | undefined {
  try {
    return stripWww(new URL(`http://${host.replace(/[．。｡]/g, '.')}`).hostname);
  } catch {
    return undefined;
  }
}

function stripWww(host: string): string {
  return host.toLowerCase().replace(/^www\./, '');
}

/**
 * Where an unfinished construct starts at the end of a streamed text — a Markdown link still
 * missing its `](url)`, an `@` that may become `@here`, or a line so far made of indentation
 * and `>` only (it may be a quote marker) — so that tail waits for the text that completes it.
 * Returns `text.length` when everything may go. A `[` more than {@link maxHeldLinkChars} back
 * is not waited for.
 */
export function findUnfinishedTail(text: string, options: SanitizeOptions = {}): number {
  let cut = text.length;
  const lineStart = text.lastIndexOf('\n') + 1;
  if ((lineStart > 0 || options.atLineStart !== false) && /^[ \t>]+$/.test(text.slice(lineStart))) cut = lineStart;
  const partialWord = /@([a-z]{0,8})$/i.exec(text);
  if (partialWord && broadcastWords.some((name) => name.startsWith((partialWord[1] ?? '').toLowerCase()))) cut = Math.min(cut, partialWord.index);
  const from = Math.max(0, text.length - maxHeldLinkChars);
  for (let index = text.indexOf('[', from); index !== -1 && index < cut; index = text.indexOf('[', index + 1)) {
    if (/^\[(?:[^[\]\n]|\n(?!\n))*(?:\](?:\([^()\s]*)?)?$/.test(text.slice(index))) return index;
  }
  return cut;
}

/**
 * The bot's own mention of a user (the asker), composed by code after sanitizing the rest.
 * Anything but a Slack user id is shown as escaped text, never as markup.
 */
export function mentionUser(userId: string): string {
  return /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : escapeSlackText(`@${userId}`);
}

/** The bot's own link to a channel, composed by code after sanitizing the rest (a non-id is escaped text). */
export function linkChannel(channelId: string): string {
  return /^[CGD][A-Z0-9]+$/.test(channelId) ? `<#${channelId}>` : escapeSlackText(`#${channelId}`);
}

/**
 * The streaming form: feed chunks, get out what may be sent now. An unfinished link or `@word`
 * at the end waits (bounded) for the chunk that completes it; `end()` releases the rest.
 * Concatenating every output equals {@link sanitizeOutboundMarkdown} of the whole text.
 */
export class OutboundTextStream {
  private held = '';
  private atLineStart = true;

  /** Sanitized text that may go out now. */
  push(chunk: string): string {
    const text = this.held + chunk;
    const cut = findUnfinishedTail(text, { atLineStart: this.atLineStart });
    this.held = text.slice(cut);
    return this.emit(text.slice(0, cut));
  }

  /** Everything still held, sanitized (the answer ended, or a task card must follow it). */
  end(): string {
    const text = this.held;
    this.held = '';
    return this.emit(text);
  }

  private emit(text: string): string {
    if (text === '') return '';
    const out = sanitizeOutboundMarkdown(text, { atLineStart: this.atLineStart });
    this.atLineStart = text.endsWith('\n');
    return out;
  }
}
