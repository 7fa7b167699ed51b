import { textOf } from '../../../src/core/model/content-block.js';
import { describe, expect, it } from 'vitest';
import { useCrewHarness } from '../use-crew-harness.js';
import { buildMentionEvent, buildMessageEvent } from '../slack-event-builders.js';
import { botRepliesIn, messageTextsOf, settle, waitForFinishedReplies, waitForStoredTurns } from './fault-test-helpers.js';

// Issue 3, point 15: odd and hostile input is answered sensibly, bounded, and rendered readably.

const harness = useCrewHarness({ env: { LOG_LEVEL: 'info', MAX_QUESTION_CHARS: '20000' } });

/** Escapes text the way Slack does in event payloads. */
function asSlackSends(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function lastUserText(): string | undefined {
  return messageTextsOf(harness.anthropic.requests.at(-1)).at(-1);
}

describe('bad input', () => {
  it('answers a lone mention, a whitespace-only mention and a blank DM with a usage hint, without calling the model', async () => {
    const lone = buildMentionEvent({ text: '' });
    const blank = buildMentionEvent({ text: '   \n\t  ' });
    const dm = buildMessageEvent({ channelType: 'im', channel: 'D111', text: ' \u00a0 \n ' });
    for (const event of [lone, blank, dm]) expect((await harness.postEvent(event)).status).toBe(200);

    const [loneHint] = await waitForFinishedReplies(harness.slack, 'C111', lone.event.ts);
    const [blankHint] = await waitForFinishedReplies(harness.slack, 'C111', blank.event.ts);
    const [dmHint] = await waitForFinishedReplies(harness.slack, 'D111', dm.event.ts as string);
    expect(loneHint?.text).toContain('Ask me a question after the mention');
    expect(blankHint?.text).toContain('Ask me a question after the mention');
    expect(dmHint?.text).toContain('Send me a question');
    expect(dmHint?.text).not.toContain('after the mention');
    await settle();
    expect(harness.anthropic.requests).toHaveLength(0);
  });

  it('bounds a 45,000-character question: the model gets the first MAX_QUESTION_CHARS with a note, the asker a private note', async () => {
    const paragraph = 'Our ledger service writes every transfer twice and reconciles nightly. ';
    const huge = paragraph.repeat(Math.ceil(45_000 / paragraph.length)).slice(0, 45_000);
    harness.anthropic.enqueueReply({ text: 'Short version: use double-entry.' });
    const event = buildMentionEvent({ text: huge });
    expect((await harness.postEvent(event)).status).toBe(200);
    const [answer] = await waitForFinishedReplies(harness.slack, 'C111', event.event.ts);
    expect(answer?.text).toBe('Short version: use double-entry.');

    const sent = lastUserText()!;
    expect(sent.length).toBeLessThan(20_000 + 200);
    expect(sent.startsWith(huge.slice(0, 20_000))).toBe(true);
    expect(sent.endsWith('\n\n[The rest of this message (25000 characters) was cut off because it was too long.]')).toBe(true);
    const note = await harness.slack.waitFor(() => harness.slack.ephemeralsFor('U222')[0]);
    expect(note.text).toBe('Your message was 45,000 characters long; I read the first 20,000.');
    const [question] = await waitForStoredTurns(harness.redis!, { channelId: 'C111', threadTs: event.event.ts }, 2);
    expect(textOf(question!.content)).toBe(sent);
  });

  it('asks for the question when a file is shared without text, without calling the model', async () => {
    const file = harness.slack.files.add({ name: 'schema.sql', mimetype: 'text/plain', filetype: 'sql', content: 'CREATE TABLE t (id int);' });
    const dmFile = buildMessageEvent({ channelType: 'im', channel: 'D111', text: '', subtype: 'file_share' });
    (dmFile.event as Record<string, unknown>).files = [file];
    expect((await harness.postEvent(dmFile)).status).toBe(200);
    const [reply] = await waitForFinishedReplies(harness.slack, 'D111', dmFile.event.ts as string);
    expect(reply?.text).toContain('no question with it');
    await settle();
    expect(harness.anthropic.requests).toHaveLength(0);
    expect(harness.slack.files.downloads).toHaveLength(0);
  });

  it('passes emoji and any Unicode byte-exact to the model, into the stored history, and back into Slack', async () => {
    const question = [
      'Ünïcödé check 👩🏽‍💻 🇩🇪 👨‍👩‍👧‍👦 — e\u0301 vs é (NFD vs NFC)',
      '中文：分布式事务？ 日本語 한국어',
      'עברית and العربية (right-to-left)',
      '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math and 🧪 zero\u200bwidth, tab\there',
      'code: if (a < b && c > d) { return "&amp;"; }',
    ].join('\n');
    const answerText = 'Réponse ✅ — 👍🏾 ありがとう 🇧🇷 e\u0301';
    harness.anthropic.enqueueReply({ text: answerText });
    const event = buildMentionEvent({ text: asSlackSends(question) });
    await harness.postEvent(event);
    const [answer] = await waitForFinishedReplies(harness.slack, 'C111', event.event.ts);

    const sent = lastUserText()!;
    expect(sent).toBe(question);
    expect(Buffer.from(sent, 'utf8').equals(Buffer.from(question, 'utf8'))).toBe(true);
    expect(answer?.text).toBe(answerText);
    const stored = await waitForStoredTurns(harness.redis!, { channelId: 'C111', threadTs: event.event.ts }, 2);
    expect(stored.map((turn) => textOf(turn.content))).toEqual([question, answerText]);
    expect(Buffer.from(textOf(stored[0]!.content), 'utf8').equals(Buffer.from(question, 'utf8'))).toBe(true);
  });

  it('renders Slack markup readably for the model: channels, links, people, broadcasts', async () => {
    harness.anthropic.enqueueReply({ text: 'Noted.' });
    const raw =
      'see <#C0123ABC|payments-eng> and <https://example.com/specs/refunds?v=2&amp;lang=en|the refunds spec>, ' +
      'cc <@U0999XYZ> and <@U0777|ann>, <!here> — plain <https://example.com/raw> and <mailto:ops@example.com|ops@example.com>';
    const event = buildMentionEvent({ text: raw });
    await harness.postEvent(event);
    await waitForFinishedReplies(harness.slack, 'C111', event.event.ts);
    expect(lastUserText()).toBe(
      'see #payments-eng and the refunds spec (https://example.com/specs/refunds?v=2&lang=en), ' +
        'cc @U0999XYZ and @ann, @here — plain https://example.com/raw and ops@example.com',
    );
    expect(botRepliesIn(harness.slack, 'C111', event.event.ts)).toHaveLength(1);
  });
});
