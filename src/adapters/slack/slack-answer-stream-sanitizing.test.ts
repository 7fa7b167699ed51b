import type { WebClient } from '@slack/web-api';
import { describe, expect, it, vi } from 'vitest';
import { findSlackMarkupInCalls } from '../../../test/fakes/find-slack-notifications.js';
import { waitFor } from '../../../test/fakes/wait-for.js';
import type { ReplyTarget } from '../../core/reply/ports.js';
import type { Logger } from '../../core/shared/ports.js';
import { toTaskChunk } from './progress-chunks.js';
import { SlackAnswerStream } from './slack-answer-stream.js';

interface Call {
  method: string;
  args: Record<string, unknown>;
}

/** A WebClient stand-in that records calls and answers them as Slack does when all goes well. */
function recordingClient() {
  const calls: Call[] = [];
  const client = {
    async apiCall(method: string, args: Record<string, unknown>) {
      calls.push({ method, args });
      return method === 'chat.startStream' ? { ok: true, ts: '100.1' } : { ok: true };
    },
  };
  return { client: client as unknown as WebClient, calls };
}

const logger: Logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn(), child: () => logger };
const target: ReplyTarget = {
  teamId: 'T1',
  channelId: 'C1',
  threadTs: '1.0',
  recipientUserId: 'U1',
  isDirectMessage: false,
  agent: { name: 'backend-architect', displayName: 'Backend Architect' },
};

const sentMarkdown = (calls: Call[]) => calls.map((call) => call.args['markdown_text'] ?? '').join('');

describe('SlackAnswerStream sanitizing', () => {
  it('sends first words at once but holds a link split across pushes until it is whole', async () => {
    const { client, calls } = recordingClient();
    const stream = new SlackAnswerStream({ client, target, logger, hooks: { onMessageStarted: vi.fn(), onStopRequested: vi.fn() }, flushIntervalMs: 0 });
    stream.push('Read [https://docs.co');
    await waitFor(() => calls.length === 1);
    expect(calls[0]?.args['markdown_text']).toBe('Read ');
    stream.push('mpany.com](https://evil.example) <!here>');
    await stream.finish();
    expect(sentMarkdown(calls)).toBe('Read https://docs.company.com (https://evil.example) &lt;!here&gt;');
    expect(calls.every((call) => !String(call.args['markdown_text'] ?? '').includes('[https://docs.co'))).toBe(true);
    expect(stream.deliveredText).toBe('Read [https://docs.company.com](https://evil.example) <!here>');
  });

  it('sanitizes task cards built from tool inputs and results, and drops non-http sources', () => {
    const chunk = toTaskChunk({
      id: 't1',
      title: 'search <!channel>',
      status: 'complete',
      details: `query <@U999> ${'<'.repeat(300)}`,
      output: '@here found it',
      sources: [
        { url: 'https://ok.example', title: '<!everyone>' },
        { url: 'javascript:alert(1)', title: 'x' },
      ],
    });
    expect(findSlackMarkupInCalls([{ method: 'chat.appendStream', args: { chunks: [chunk] }, token: undefined, at: 0 } as never])).toEqual([]);
    expect(String(chunk['details']).length).toBeLessThanOrEqual(256);
    expect(chunk['sources']).toEqual([{ type: 'url', url: 'https://ok.example', text: '&lt;!everyone&gt;' }]);
  });
});
