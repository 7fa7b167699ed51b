import { describe, expect, it } from 'vitest';
import { markdownToMrkdwn } from './markdown-to-mrkdwn.js';

describe('markdownToMrkdwn', () => {
  it.each([
    ['**bold**', '*bold*'],
    ['__bold__', '*bold*'],
    ['*italic*', '_italic_'],
    ['_italic_', '_italic_'],
    ['~~struck~~', '~struck~'],
    ['a **bold** and *italic* word', 'a *bold* and _italic_ word'],
    ['**bold with *italic* inside**', '*bold with _italic_ inside*'],
  ])('converts emphasis %j → %j', (markdown, mrkdwn) => {
    expect(markdownToMrkdwn(markdown)).toBe(mrkdwn);
  });

  it('converts links to Slack link markup', () => {
    expect(markdownToMrkdwn('[a](https://x)')).toBe('<https://x|a>');
    expect(markdownToMrkdwn('see [the docs](https://example.com/a/b?c=1) now')).toBe(
      'see <https://example.com/a/b?c=1|the docs> now',
    );
    expect(markdownToMrkdwn('[plain](http://example.com)')).toBe('<http://example.com|plain>');
  });

  it('escapes & in link URLs as Slack expects', () => {
    expect(markdownToMrkdwn('[q](https://x.io/?a=1&b=2)')).toBe('<https://x.io/?a=1&amp;b=2|q>');
  });

  it('leaves non-http links alone', () => {
    expect(markdownToMrkdwn('[file](./local.md)')).toBe('[file](./local.md)');
  });

  it('turns headings into bold lines', () => {
    expect(markdownToMrkdwn('# Heading')).toBe('*Heading*');
    expect(markdownToMrkdwn('### Deep heading ###')).toBe('*Deep heading*');
    expect(markdownToMrkdwn('## A **bold** heading')).toBe('*A bold heading*');
    expect(markdownToMrkdwn('Intro\n## Setup\nText')).toBe('Intro\n*Setup*\nText');
  });

  it('does not treat a hash without a space as a heading', () => {
    expect(markdownToMrkdwn('#general is busy')).toBe('#general is busy');
  });

  it('turns bullet markers into bullets, keeping indentation', () => {
    expect(markdownToMrkdwn('- item')).toBe('• item');
    expect(markdownToMrkdwn('* one\n+ two\n  - nested')).toBe('• one\n• two\n  • nested');
    expect(markdownToMrkdwn('- **bold** item')).toBe('• *bold* item');
  });

  it('keeps numbered lists and horizontal rules as they are', () => {
    expect(markdownToMrkdwn('1. first\n2. second')).toBe('1. first\n2. second');
    expect(markdownToMrkdwn('---')).toBe('---');
  });

  it('keeps block quotes working after escaping', () => {
    expect(markdownToMrkdwn('> quoted **text**')).toBe('> quoted *text*');
  });

  it('escapes <, > and & outside code', () => {
    expect(markdownToMrkdwn('if a < b & c > d')).toBe('if a &lt; b &amp; c &gt; d');
    expect(markdownToMrkdwn('<@U123> <!here>')).toBe('&lt;@U123&gt; &lt;!here&gt;');
  });

  it('leaves inline code unconverted, escaping only Slack control characters', () => {
    expect(markdownToMrkdwn('run `a < b && **c**` then **go**')).toBe('run `a &lt; b &amp;&amp; **c**` then *go*');
  });

  it('leaves fenced code blocks unconverted, escaping only Slack control characters', () => {
    const block = '```ts\n# not a heading\nconst x = a < b && **c**;\n- not a bullet\n```';
    const escaped = '```ts\n# not a heading\nconst x = a &lt; b &amp;&amp; **c**;\n- not a bullet\n```';
    expect(markdownToMrkdwn(`**Before**\n${block}\n**After**`)).toBe(`*Before*\n${escaped}\n*After*`);
  });

  it('leaves an unclosed code block unconverted to the end', () => {
    const text = 'Start **bold**\n```py\nx = a < b  # **not bold**\n';
    expect(markdownToMrkdwn(text)).toBe('Start *bold*\n```py\nx = a &lt; b  # **not bold**\n');
  });

  it('leaves emoji and non-ASCII text alone', () => {
    const text = 'Ça marche :tada: 🚀 日本語 — “quotes”';
    expect(markdownToMrkdwn(text)).toBe(text);
  });

  it('does not turn multiplication or lone asterisks into italics', () => {
    expect(markdownToMrkdwn('2 * 3 * 4')).toBe('2 * 3 * 4');
    expect(markdownToMrkdwn('a*b*c')).toBe('a*b*c');
  });
});
