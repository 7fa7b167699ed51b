import { describe, expect, it } from 'vitest';
import { useCrewHarness } from './use-crew-harness.js';
import { buildMentionEvent, buildMessageEvent } from './slack-event-builders.js';
import { waitForFinishedReplies, waitForStoredTurns } from './faults/fault-test-helpers.js';

// Issue 11, point 4: file tokens count in the history budget; what did not fit is noted to the
// agent and to the person. A small HISTORY_TOKEN_BUDGET makes a 60 KB text file too large.

const harness = useCrewHarness({ env: { LOG_LEVEL: 'info', HISTORY_TOKEN_BUDGET: '6000' } });

type Block = { type: string; text?: string };
const userText = () =>
  (harness.anthropic.requests.at(-1)?.body as { messages: Array<{ role: string; content: Block[] }> }).messages
    .filter((message) => message.role === 'user')
    .flatMap((message) => message.content)
    .map((block) => block.text ?? '')
    .join('');

describe('files and the context budget', () => {
  it('leaves out a file too large for the request, names it to the agent, and shows the person a task saying so', async () => {
    const big = harness.slack.files.add({ name: 'dump.log', mimetype: 'text/plain', filetype: 'text', content: 'GET /orders 200 12ms\n'.repeat(3000) });
    const small = harness.slack.files.add({ name: 'schema.sql', mimetype: 'text/plain', filetype: 'sql', content: 'CREATE TABLE t (id int);\n' });
    harness.anthropic.enqueueReply({ text: 'From the schema alone: fine.' });
    const event = buildMentionEvent({ text: 'anything odd here?' });
    (event.event as Record<string, unknown>).files = [big, small];
    await harness.postEvent(event);
    const [answer] = await waitForFinishedReplies(harness.slack, 'C111', event.event.ts);
    expect(answer?.tasks).toEqual(expect.arrayContaining([expect.objectContaining({ title: 'Files left out to fit the context', status: 'complete', details: 'dump.log' })]));
    const sent = userText();
    expect(sent).toContain('CREATE TABLE t (id int);');
    expect(sent).not.toContain('GET /orders 200');
    expect(sent).toContain('[Shared with this question but left out, too large for the context window: dump.log.]');
    expect(harness.slack.files.downloads.map((download) => download.fileId)).toEqual([small.id]);
    // What is stored is what was sent: the left-out file is not read again next turn.
    const [question] = await waitForStoredTurns(harness.redis!, { channelId: 'C111', threadTs: event.event.ts }, 2);
    expect(question?.content.filter((block) => block.type === 'file')).toHaveLength(1);
  });

  it('leaves out a PDF whose pages, counted once read, do not fit: a marker to the agent, a task to the person', async () => {
    // Small on disk (weighed as one page before reading) but five pages once read.
    const pages = Array.from({ length: 5 }, (_, index) => `${index + 3} 0 obj << /Type /Page /Parent 2 0 R >> endobj`).join('\n');
    const pdf = `%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Count 5 >> endobj\n${pages}\n%%EOF\n`;
    const file = harness.slack.files.add({ name: 'rfc.pdf', mimetype: 'application/pdf', filetype: 'pdf', content: pdf });
    harness.anthropic.enqueueReply({ text: 'I could not read the RFC.' });
    const event = buildMentionEvent({ text: 'summarize the RFC' });
    (event.event as Record<string, unknown>).files = [file];
    await harness.postEvent(event);
    const [answer] = await waitForFinishedReplies(harness.slack, 'C111', event.event.ts);
    expect(answer?.tasks).toEqual(expect.arrayContaining([expect.objectContaining({ title: 'Files left out to fit the context', details: 'rfc.pdf' })]));
    const body = harness.anthropic.requests.at(-1)?.body as { messages: Array<{ content: Block[] }> };
    expect(body.messages.flatMap((message) => message.content).some((block) => block.type === 'document')).toBe(false);
    expect(userText()).toContain('[File rfc.pdf (pdf, 5 pages) was shared here but left out: too long for the context window.]');
  });

  it('tells the person when an earlier exchange with a file was trimmed from the history', async () => {
    const file = harness.slack.files.add({ name: 'design.md', mimetype: 'text/markdown', filetype: 'markdown', content: 'We shard orders by account.\n'.repeat(300) });
    harness.anthropic.enqueueReply({ text: 'Sharding by account is fine.' });
    const first = buildMentionEvent({ text: 'review this design' });
    (first.event as Record<string, unknown>).files = [file];
    await harness.postEvent(first);
    await waitForFinishedReplies(harness.slack, 'C111', first.event.ts);

    // A long follow-up leaves no room for the earlier exchange and its file.
    harness.anthropic.enqueueReply({ text: 'Then partition by month.' });
    const follow = buildMessageEvent({ channelType: 'channel', text: `and the retention plan? ${'Keep 13 months of orders online. '.repeat(500)}`, threadTs: first.event.ts });
    await harness.postEvent(follow);
    const answers = await waitForFinishedReplies(harness.slack, 'C111', first.event.ts, 2);
    expect(answers[1]?.tasks).toEqual(expect.arrayContaining([expect.objectContaining({ title: 'Files left out to fit the context', details: 'design.md' })]));
    expect(userText()).toContain('earlier exchange(s) in this thread were left out');
    expect(userText()).not.toContain('We shard orders by account.');
  });
});
