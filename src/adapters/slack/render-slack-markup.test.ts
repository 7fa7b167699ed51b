import { describe, expect, it } from 'vitest';
import { mentionsUser, renderSlackMarkup } from './render-slack-markup.js';

const BOT = 'UBOT123';

describe('renderSlackMarkup', () => {
  it('removes the bot mention wherever it is', () => {
    expect(renderSlackMarkup(`<@${BOT}> how should we shard?`, BOT)).toBe('how should we shard?');
    expect(renderSlackMarkup(`how should we shard? <@${BOT}>`, BOT)).toBe('how should we shard?');
    expect(renderSlackMarkup(`hey <@${BOT}> how should we shard?`, BOT)).toBe('hey how should we shard?');
    expect(renderSlackMarkup(`<@${BOT}|crew> architect: hi`, BOT)).toBe('architect: hi');
  });

  it('keeps the bot mention readable when no bot id is given', () => {
    expect(renderSlackMarkup(`<@${BOT}> hi`)).toBe(`@${BOT} hi`);
  });

  it('renders other user mentions with and without a label', () => {
    expect(renderSlackMarkup(`<@${BOT}> ask <@U2|ann> and <@U3>`, BOT)).toBe('ask @ann and @U3');
    expect(renderSlackMarkup('ping <@U2|@ann>')).toBe('ping @ann');
  });

  it('renders channels with and without a label', () => {
    expect(renderSlackMarkup('see <#C1|general> and <#C2>')).toBe('see #general and #C2');
    expect(renderSlackMarkup('see <#C1|>')).toBe('see #C1');
  });

  it('renders links with a label as "label (url)" and bare links as the url', () => {
    expect(renderSlackMarkup('read <https://example.com/docs|the docs> first')).toBe(
      'read the docs (https://example.com/docs) first',
    );
    expect(renderSlackMarkup('read <https://example.com/docs> first')).toBe('read https://example.com/docs first');
    expect(renderSlackMarkup('<https://example.com|https://example.com>')).toBe('https://example.com');
  });

  it('renders mailto links as the address or its label', () => {
    expect(renderSlackMarkup('mail <mailto:ops@example.com|ops@example.com>')).toBe('mail ops@example.com');
    expect(renderSlackMarkup('mail <mailto:ops@example.com>')).toBe('mail ops@example.com');
    expect(renderSlackMarkup('mail <mailto:ops@example.com|the ops team>')).toBe('mail the ops team');
  });

  it('renders special mentions and user groups', () => {
    expect(renderSlackMarkup('<!here> outage')).toBe('@here outage');
    expect(renderSlackMarkup('<!channel> and <!everyone>')).toBe('@channel and @everyone');
    expect(renderSlackMarkup('<!here|here> now')).toBe('@here now');
    expect(renderSlackMarkup('cc <!subteam^S1|@backend-team>')).toBe('cc @backend-team');
    expect(renderSlackMarkup('cc <!subteam^S1>')).toBe('cc @group');
  });

  it('renders dates by their fallback text', () => {
    expect(renderSlackMarkup('due <!date^1392734382^{date_short}|Feb 18, 2014>')).toBe('due Feb 18, 2014');
  });

  it('decodes HTML entities exactly once', () => {
    expect(renderSlackMarkup('if a &lt; b &amp;&amp; c &gt; d')).toBe('if a < b && c > d');
    expect(renderSlackMarkup('literal &amp;lt; stays')).toBe('literal &lt; stays');
  });

  it('leaves emoji shortcodes, emoji and non-ASCII text untouched', () => {
    const text = 'Ça marche :tada: 🚀 日本語 — naïve “quotes”';
    expect(renderSlackMarkup(text)).toBe(text);
    expect(renderSlackMarkup(`<@${BOT}> ${text}`, BOT)).toBe(text);
  });

  it('keeps line breaks and code indentation', () => {
    const code = 'fix this:\n```\ndef f(x):\n    if x:\n        return 1\n```';
    expect(renderSlackMarkup(`<@${BOT}> ${code}`, BOT)).toBe(code);
    expect(renderSlackMarkup('a  b\n\nc')).toBe('a  b\n\nc');
  });

  it('returns an empty string for a bare bot mention', () => {
    expect(renderSlackMarkup(`  <@${BOT}>  `, BOT)).toBe('');
  });
});

describe('mentionsUser', () => {
  it('detects a mention with or without a label', () => {
    expect(mentionsUser(`hi <@${BOT}>`, BOT)).toBe(true);
    expect(mentionsUser(`hi <@${BOT}|crew>`, BOT)).toBe(true);
  });

  it('ignores other users and ids that only share a prefix', () => {
    expect(mentionsUser('hi <@U2>', BOT)).toBe(false);
    expect(mentionsUser(`hi <@${BOT}4>`, BOT)).toBe(false);
    expect(mentionsUser(`hi @${BOT}`, BOT)).toBe(false);
  });
});
