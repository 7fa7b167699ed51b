import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeAnthropicRequest } from '../fakes/fake-anthropic-api.js';
import { useCrewHarness } from './use-crew-harness.js';
import { buildMentionEvent, buildMessageEvent, nextTs } from './slack-event-builders.js';
import { waitForFinishedReplies, waitForStoredTurns } from './faults/fault-test-helpers.js';

// Issue 11: files shared with a question are read — text inside the untrusted-material
// delimiters, images as image blocks, PDFs as document blocks — fetched from Slack's file host
// with the bot token, refused elsewhere, skipped with a note when they cannot be read.

const harness = useCrewHarness({ env: { LOG_LEVEL: 'info' } });

type Block = { type: string; text?: string; title?: string; source?: { type: string; media_type: string; data: string } };
type Body = { messages: Array<{ role: string; content: Block[] }> };

const schema = 'CREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  account_id bigint NOT NULL,\n  created_at timestamptz NOT NULL\n);\n';
const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(2048, 7)]);
const pdf = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

let elsewhere: Server;
let elsewhereHits = 0;
beforeAll(async () => {
  elsewhere = createServer((_req, res) => {
    elsewhereHits += 1;
    res.end('exfiltrated');
  });
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  elsewhere.closeAllConnections();
  await new Promise((resolve) => elsewhere.close(resolve));
});

function userBlocks(request: FakeAnthropicRequest | undefined): Block[] {
  const body = request?.body as Body;
  return body.messages.filter((message) => message.role === 'user').flatMap((message) => message.content);
}

async function ask(text: string, files: Record<string, unknown>[], answer: string, threadTs?: string) {
  harness.anthropic.enqueueReply({ text: answer });
  const event = threadTs ? buildMessageEvent({ channelType: 'channel', text, threadTs, subtype: 'file_share' }) : buildMentionEvent({ text });
  if (files.length > 0) (event.event as Record<string, unknown>).files = files;
  expect((await harness.postEvent(event)).status).toBe(200);
  const thread = threadTs ?? (event.event.ts as string);
  return { thread, ts: event.event.ts as string };
}

describe('files shared with a question', () => {
  it('reads a .sql file into the request as delimited text, and the thread stores only a reference', async () => {
    const file = harness.slack.files.add({ name: 'schema.sql', mimetype: 'text/plain', filetype: 'sql', content: schema });
    const { thread } = await ask('is this schema ok?', [file], 'Add an index on (account_id, created_at).');
    const [answer] = await waitForFinishedReplies(harness.slack, 'C111', thread);
    expect(answer?.text).toBe('Add an index on (account_id, created_at).');
    const blocks = userBlocks(harness.anthropic.requests.at(-1));
    const fileText = blocks.map((block) => block.text ?? '').join('');
    expect(fileText).toContain(schema);
    expect(fileText).toMatch(/<untrusted_material[^>]*schema\.sql/);
    expect(fileText.indexOf(schema)).toBeLessThan(fileText.indexOf('is this schema ok?'));
    expect(harness.slack.files.downloads).toEqual([expect.objectContaining({ fileId: file.id, authorized: true, bytesWritten: schema.length })]);

    const [question] = await waitForStoredTurns(harness.redis!, { channelId: 'C111', threadTs: thread }, 2);
    expect(question?.content[0]).toMatchObject({ type: 'file', file: { fileId: file.id, name: 'schema.sql', kind: 'text' } });
    expect(JSON.stringify(question?.content)).not.toContain('account_id bigint');
  });

  it('sends an image as an image block and a PDF as a document block', async () => {
    const image = harness.slack.files.add({ name: 'diagram.png', mimetype: 'image/png', filetype: 'png', content: png });
    const doc = harness.slack.files.add({ name: 'rfc.pdf', mimetype: 'application/pdf', filetype: 'pdf', content: pdf });
    const { thread } = await ask('does the diagram match the RFC?', [image, doc], 'Mostly; the cache tier is missing.');
    await waitForFinishedReplies(harness.slack, 'C111', thread);
    const blocks = userBlocks(harness.anthropic.requests.at(-1));
    expect(blocks.find((block) => block.type === 'image')?.source).toEqual({ type: 'base64', media_type: 'image/png', data: png.toString('base64') });
    const document = blocks.find((block) => block.type === 'document');
    expect(document).toMatchObject({ title: 'rfc.pdf', source: { type: 'base64', media_type: 'application/pdf', data: pdf.toString('base64') } });
  });

  it('answers with a private note for an unsupported binary and an oversized image, without downloading either', async () => {
    const zip = harness.slack.files.add({ name: 'dump.zip', mimetype: 'application/zip', filetype: 'zip', content: Buffer.alloc(100, 1) });
    const huge = harness.slack.files.add({ name: 'huge.png', mimetype: 'image/png', filetype: 'png', content: Buffer.alloc(6 * 1024 * 1024, 1) });
    const { thread } = await ask('what is in these?', [zip, huge], 'I can only go by your question.');
    const [answer] = await waitForFinishedReplies(harness.slack, 'C111', thread);
    expect(answer?.text).toBe('I can only go by your question.');
    const note = await harness.slack.waitFor(() => harness.slack.ephemeralsFor('U222').find((ephemeral) => ephemeral.text.includes('dump.zip')));
    expect(note.text).toContain('`dump.zip`: I can read text, code, PDFs and PNG/JPEG/GIF/WebP images, not this type');
    expect(note.text).toContain('`huge.png`: it is over the size limit');
    expect(harness.slack.files.downloads).toEqual([]);
    expect(userBlocks(harness.anthropic.requests.at(-1)).some((block) => block.type === 'image')).toBe(false);
  });

  it('refuses a redirect to another host, never contacting it, and tells the agent the file could not be read', async () => {
    const away = harness.slack.files.add({
      name: 'moved.sql',
      mimetype: 'text/plain',
      filetype: 'sql',
      content: schema,
      redirectTo: `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/steal`,
    });
    const { thread } = await ask('review this', [away], 'I could not open the file.');
    await waitForFinishedReplies(harness.slack, 'C111', thread);
    expect(elsewhereHits).toBe(0);
    const text = userBlocks(harness.anthropic.requests.at(-1)).map((block) => block.text ?? '').join('');
    expect(text).toContain('[File moved.sql (text) was shared here but could not be read: it is not hosted by Slack.]');
  });

  it('still sees the schema in a follow-up two turns later, and a deleted file becomes a marker', async () => {
    const file = harness.slack.files.add({ name: 'schema.sql', mimetype: 'text/plain', filetype: 'sql', content: schema });
    const { thread } = await ask('is this schema ok?', [file], 'Looks fine.');
    await waitForFinishedReplies(harness.slack, 'C111', thread);
    await ask('what about partitioning?', [], 'By month.', thread);
    await waitForFinishedReplies(harness.slack, 'C111', thread, 2);
    await ask('in that schema, which index do I need for the monthly report?', [], 'One on created_at.', thread);
    await waitForFinishedReplies(harness.slack, 'C111', thread, 3);
    const third = userBlocks(harness.anthropic.requests.at(-1)).map((block) => block.text ?? '').join('');
    expect(third).toContain(schema);
    // The file is read again each turn and sent as the same bytes: the cached prefix holds.
    const firstMessage = (request: FakeAnthropicRequest | undefined) =>
      JSON.stringify((request?.body as Body).messages[0]!.content.map(({ cache_control: _marker, ...block }: Block & { cache_control?: unknown }) => block));
    expect(firstMessage(harness.anthropic.requests.at(-1))).toBe(firstMessage(harness.anthropic.requests.at(-2)));
    expect(third).toContain('in that schema, which index');

    harness.slack.files.remove(file.id as string);
    await ask('and a unique key?', [], 'On (account_id, id).', thread);
    await waitForFinishedReplies(harness.slack, 'C111', thread, 4);
    const fourth = userBlocks(harness.anthropic.requests.at(-1)).map((block) => block.text ?? '').join('');
    expect(fourth).not.toContain(schema);
    expect(fourth).toContain('[File schema.sql (text) was shared here but could not be read: it was deleted.]');
  });

  it('reads the files of the earlier messages when the crew joins a thread, and keeps them for the follow-up', async () => {
    const file = harness.slack.files.add({ name: 'orders.sql', mimetype: 'text/plain', filetype: 'sql', content: schema });
    const binary = harness.slack.files.add({ name: 'core.dump', mimetype: 'application/octet-stream', filetype: 'binary', content: Buffer.alloc(64, 0) });
    const rootTs = nextTs();
    harness.slack.seedThread('C111', rootTs, [
      { user: 'U401', text: 'Here is the schema we discussed', files: [file] },
      { user: 'U402', text: '', files: [binary] },
    ]);
    harness.anthropic.enqueueReply({ text: 'Index account_id.' });
    await harness.postEvent(buildMentionEvent({ text: 'what index does this need?', threadTs: rootTs, user: 'U401' }));
    await waitForFinishedReplies(harness.slack, 'C111', rootTs);
    const first = userBlocks(harness.anthropic.requests.at(-1)).map((block) => block.text ?? '').join('');
    expect(first).toContain(schema);
    expect(first).toMatch(/shared the file orders\.sql; it is attached above/);
    expect(first).toMatch(/shared the file core\.dump; it was not read \(unsupported type\)/);
    expect(first.indexOf(schema)).toBeLessThan(first.indexOf('[Earlier messages in this thread'));

    await ask('and for the monthly report?', [], 'created_at too.', rootTs);
    await waitForFinishedReplies(harness.slack, 'C111', rootTs, 2);
    expect(userBlocks(harness.anthropic.requests.at(-1)).map((block) => block.text ?? '').join('')).toContain(schema);
    expect(harness.slack.files.downloads.filter((download) => download.fileId === file.id)).toHaveLength(2);
    expect(harness.slack.files.downloads.some((download) => download.fileId === binary.id)).toBe(false);
  });

  it('counts every file read in crew_files_total by kind and outcome', async () => {
    const file = harness.slack.files.add({ name: 'notes.md', mimetype: 'text/markdown', filetype: 'markdown', content: '# Notes\n' });
    const { thread } = await ask('summarize', [file], 'Short notes.');
    await waitForFinishedReplies(harness.slack, 'C111', thread);
    const metrics = await (await fetch(`http://127.0.0.1:${harness.crew.port}/metrics`)).text();
    expect(metrics).toMatch(/crew_files_total\{kind="text",outcome="read"\} [1-9]/);
  });
});
