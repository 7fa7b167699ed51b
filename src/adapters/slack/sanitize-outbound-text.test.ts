import { describe, expect, it } from 'vitest';
import { findSlackMarkup } from '../../../test/fakes/find-slack-notifications.js';
import { markdownToMrkdwn } from './markdown-to-mrkdwn.js';
import {
  OutboundTextStream,
  findUnfinishedTail,
  isDeceptiveLabel,
  linkChannel,
  maxHeldLinkChars,
  mentionUser,
  sanitizeOutboundMarkdown,
} from './sanitize-outbound-text.js';

/** What a reader sees: Slack decodes exactly these three entities; the joiner is invisible. */
function shown(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/\u2060/g, '');
}

/** Markup that must never come from untrusted text (bot-made `<url|words>` links are checked apart). */
function forged(text: string) {
  return findSlackMarkup(text).filter((finding) => finding.kind !== 'masked-link');
}

/** Masked links in mrkdwn output whose label names a host other than the target. */
function deceptiveMaskedLinks(mrkdwn: string): string[] {
  return [...mrkdwn.matchAll(/<([^<>|]*)\|([^<>]*)>/g)].filter((match) => isDeceptiveLabel(match[2] ?? '', match[1] ?? '')).map((match) => match[0]);
}

interface HostileCase {
  name: string;
  input: string;
  /** Exact `markdown_text` expected, when it matters. */
  markdown?: string;
  /** Exact mrkdwn (fallback) expected, when it matters. */
  mrkdwn?: string;
  /** What a reader sees of the `markdown_text` (default: the input itself). */
  reads?: string;
}

const hostile: HostileCase[] = [
  { name: 'channel broadcast', input: 'hi <!channel>', markdown: 'hi &lt;!channel&gt;' },
  { name: 'here broadcast', input: '<!here> look', markdown: '&lt;!here&gt; look' },
  { name: 'everyone broadcast', input: 'ping <!everyone>' },
  { name: 'broadcast with label', input: '<!channel|channel> now' },
  { name: 'user group', input: 'cc <!subteam^S1|@team>', markdown: 'cc &lt;!subteam^S1|@team&gt;' },
  { name: 'user mention', input: 'ask <@U999>', markdown: 'ask &lt;@U999&gt;' },
  { name: 'user mention with label', input: '<@U999|boss> said so' },
  { name: 'enterprise user mention', input: 'hey <@W1>' },
  { name: 'channel link', input: 'go to <#C1|x>', markdown: 'go to &lt;#C1|x&gt;' },
  { name: 'mrkdwn masked link, URL label', input: '<https://evil.example|https://docs.company.com>', markdown: '&lt;https://evil.example|https://docs.company.com&gt;' },
  { name: 'mrkdwn masked link, words', input: 'see <https://a|b>' },
  { name: 'mailto masked link', input: 'mail <mailto:x@evil.example|it@company.com>' },
  { name: 'broadcast in inline code', input: 'use `<!channel>` here', markdown: 'use `&lt;!channel&gt;` here', mrkdwn: 'use `&lt;!channel&gt;` here' },
  { name: 'mention in inline code', input: '`<@U999>`', markdown: '`&lt;@U999&gt;`' },
  { name: 'broadcast in a fenced block', input: '```\n<!here>\n<@U999>\n```', markdown: '```\n&lt;!here&gt;\n&lt;@U999&gt;\n```', mrkdwn: '```\n&lt;!here&gt;\n&lt;@U999&gt;\n```' },
  { name: 'broadcast in a fenced block with language', input: '```html\n<a href="x">&nbsp;</a> <!everyone>\n```' },
  { name: 'nested broadcast', input: '<<!channel>>', markdown: '&lt;&lt;!channel&gt;&gt;' },
  { name: 'mention nested in a link', input: '<https://a|<@U999>>' },
  { name: 'link inside link', input: '<https://evil.example|<https://docs.company.com|docs>>' },
  { name: 'entity-encoded broadcast', input: '&lt;!channel&gt;', markdown: '&amp;lt;!channel&amp;gt;' },
  { name: 'double-encoded broadcast', input: '&amp;lt;!here&amp;gt;', markdown: '&amp;amp;lt;!here&amp;amp;gt;' },
  { name: 'already-escaped text stays as written', input: 'a &amp; b &lt; c', markdown: 'a &amp;amp; b &amp;lt; c' },
  { name: 'broken-up markup', input: '<!chan\nnel> <\n!here>' },
  { name: 'plain @here', input: 'hey @here and @channel and @Everyone', markdown: 'hey @\u2060here and @\u2060channel and @\u2060Everyone' },
  { name: 'fullwidth less-than look-alike', input: '＜!channel＞ ‹!here›', markdown: '＜!channel＞ ‹!here›' },
  { name: 'Markdown link, URL label', input: '[https://docs.company.com](https://evil.example)', markdown: 'https://docs.company.com (https://evil.example)', reads: 'https://docs.company.com (https://evil.example)' },
  { name: 'Markdown link, domain label', input: '[docs.company.com](https://evil.example)', markdown: 'docs.company.com (https://evil.example)', reads: 'docs.company.com (https://evil.example)' },
  { name: 'Markdown link, label with a domain among words', input: '[see docs.company.com now](https://evil.example/x)', reads: 'see docs.company.com now (https://evil.example/x)' },
  { name: 'Markdown link, look-alike Cyrillic domain label', input: '[dоcs.company.com](https://docs.company.com)', reads: 'dоcs.company.com (https://docs.company.com)' },
  { name: 'Markdown link, fullwidth dots', input: '[docs．company．com](https://evil.example)', reads: 'docs．company．com (https://evil.example)' },
  { name: 'Markdown link, words label stays', input: '[the runbook](https://x.example/run)', markdown: '[the runbook](https://x.example/run)', mrkdwn: '<https://x.example/run|the runbook>' },
  { name: 'Markdown link, same-domain label stays', input: '[docs.company.com](https://docs.company.com/guide)', markdown: '[docs.company.com](https://docs.company.com/guide)' },
  { name: 'Markdown link, parent-domain label stays', input: '[company.com](https://www.docs.company.com)' },
  { name: 'Markdown link, file name of its own path stays', input: '[README.md](https://github.com/o/r/blob/main/README.md)', markdown: '[README.md](https://github.com/o/r/blob/main/README.md)' },
  { name: 'Markdown link with a pipe in the URL', input: '[guide](https://evil.example|https://docs.company.com)', mrkdwn: '<https://evil.example%7Chttps://docs.company.com|guide>' },
  { name: 'Markdown link whose label is a broadcast', input: '[<!channel>](https://x.example)' },
  // Rewritten in code too: the stream cannot know code state across chunks, and the rewrite keeps every character readable.
  { name: 'Markdown link in inline code', input: '`[docs.company.com](https://evil.example)`', reads: '`docs.company.com (https://evil.example)`' },
  { name: 'Markdown link split over a line', input: '[docs.company\n.com](https://evil.example)', reads: 'docs.company\n.com (https://evil.example)' },
  { name: 'quote marker kept, broadcast inside escaped', input: '> quoted <!here>\n> > deeper', markdown: '> quoted &lt;!here&gt;\n> > deeper' },
  { name: 'mid-line greater-than is escaped', input: 'a > b', markdown: 'a &gt; b' },
];

describe('the outbound sanitizer, on hostile input', () => {
  it('covers at least 30 cases', () => {
    expect(hostile.length).toBeGreaterThanOrEqual(30);
  });

  it.each(hostile)('$name: no broadcast, mention or disguised link reaches markdown_text', ({ input, markdown, reads }) => {
    const out = sanitizeOutboundMarkdown(input);
    expect(forged(out)).toEqual([]);
    expect(out).not.toMatch(/<[!@#]/);
    if (markdown !== undefined) expect(out).toBe(markdown);
    // Nothing is lost: the reader sees what was written (code stays code, with its characters).
    expect(shown(out)).toBe(reads ?? input);
  });

  it.each(hostile)('$name: nor the mrkdwn of the post-and-update fallback', ({ input, mrkdwn }) => {
    const out = markdownToMrkdwn(input);
    expect(forged(out)).toEqual([]);
    expect(deceptiveMaskedLinks(out)).toEqual([]);
    if (mrkdwn !== undefined) expect(out).toBe(mrkdwn);
  });

  it.each(hostile)('$name: split across stream chunks at every position, the same text goes out', ({ input }) => {
    const whole = sanitizeOutboundMarkdown(input);
    for (let cut = 0; cut <= input.length; cut += 1) {
      const stream = new OutboundTextStream();
      const pieces = [stream.push(input.slice(0, cut)), stream.push(input.slice(cut)), stream.end()];
      expect(pieces.join(''), `cut at ${cut}`).toBe(whole);
      for (const piece of pieces) expect(forged(piece), `cut at ${cut}`).toEqual([]);
    }
  });

  it('split one character at a time, the same text goes out', () => {
    for (const { input } of hostile) {
      const stream = new OutboundTextStream();
      const out = [...input].map((char) => stream.push(char)).join('') + stream.end();
      expect(out).toBe(sanitizeOutboundMarkdown(input));
    }
  });
});

describe('the streaming form', () => {
  it('sends text with no pending [ at once (first words are not delayed)', () => {
    const stream = new OutboundTextStream();
    expect(stream.push('Hello there, ')).toBe('Hello there, ');
    expect(stream.push('a < b')).toBe('a &lt; b');
  });

  it('holds an unfinished link until it completes, then shows its real target', () => {
    const stream = new OutboundTextStream();
    expect(stream.push('See [https://docs.co')).toBe('See ');
    expect(stream.push('mpany.com](https://evil.exa')).toBe('');
    expect(stream.push('mple) now')).toBe('https://docs.company.com (https://evil.example) now');
  });

  it('holds a partial @here, and lets other @words go', () => {
    const stream = new OutboundTextStream();
    expect(stream.push('hey @he')).toBe('hey ');
    expect(stream.push('re!')).toBe('@\u2060here!');
    expect(stream.push('mail me@example.com')).toBe('mail me@example.com');
  });

  it('never holds a stray [ for more than the bound', () => {
    const text = `[${'x'.repeat(maxHeldLinkChars + 10)}`;
    expect(findUnfinishedTail(text)).toBe(text.length);
    expect(findUnfinishedTail('a [b')).toBe(2);
    expect(findUnfinishedTail('a [b] c')).toBe(7);
    expect(findUnfinishedTail('a [b](https://x) c')).toBe(18);
  });

  it('releases everything held at the end', () => {
    const stream = new OutboundTextStream();
    expect(stream.push('dangling [docs')).toBe('dangling ');
    expect(stream.end()).toBe('[docs');
  });
});

describe('trusted markup composed by code', () => {
  it('mentions a real user id and refuses anything else as markup', () => {
    expect(mentionUser('U123')).toBe('<@U123>');
    expect(mentionUser('U1> <!channel')).toBe('@U1&gt; &lt;!channel');
    expect(linkChannel('C123')).toBe('<#C123>');
    expect(linkChannel('C1|x> <!here')).toBe('#C1|x&gt; &lt;!here');
  });

  it('is added after sanitizing, so the untrusted part cannot forge it', () => {
    const text = `${mentionUser('U123')} asked: ${sanitizeOutboundMarkdown('<@U999> `<!channel>`')}`;
    expect(findSlackMarkup(text, 'text', { userIds: ['U123'] })).toEqual([]);
    expect(text).toBe('<@U123> asked: &lt;@U999&gt; `&lt;!channel&gt;`');
  });
});
