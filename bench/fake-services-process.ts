/**
 * Child process of the concurrency bench (f): runs the fake Slack and fake Anthropic APIs and
 * posts the signed events, so the bot's process measures only the bot. Speaks over the IPC
 * channel: see {@link FakeServicesRequest}.
 */
import { startFakeAnthropicApi } from '../test/fakes/fake-anthropic-api.js';
import type { FakeAnthropicReply } from '../test/fakes/fake-anthropic-api.js';
import { startFakeSlackApi } from '../test/fakes/fake-slack-api.js';
import { postSlackEvent } from '../test/fakes/sign-slack-request.js';
import { buildMentionEvent } from '../test/e2e/slack-event-builders.js';
import { sharedFileContents } from './shared-file-contents.js';

/** A request from the bench process. */
export type FakeServicesRequest =
  | { id: number; type: 'post'; eventsUrl: string; signingSecret: string; count: number; concurrency: number; reply: FakeAnthropicReply; files?: SharedFilesSpec }
  | { id: number; type: 'stats' }
  | { id: number; type: 'reset' }
  | { id: number; type: 'close' };

/** Files each posted question carries (bench i): a text file and a PNG of these sizes, hosted by the fake Slack. */
export interface SharedFilesSpec {
  textBytes: number;
  imageBytes: number;
}

/** Counters the bench reads. */
export interface FakeServicesStats {
  modelRequests: number;
  modelStreaming: number;
  modelCompleted: number;
  startStreams: number;
  stopStreams: number;
  slackCalls: number;
  slackErrors: number;
}

/** Result of a `post`. */
export interface PostResult {
  accepted: number;
  failed: number;
  elapsedMs: number;
}

const send = (message: unknown) => process.send?.(message);

async function main(): Promise<void> {
  let reply: FakeAnthropicReply = { tokens: 20 };
  const slack = await startFakeSlackApi();
  const anthropic = await startFakeAnthropicApi({ defaultReply: () => reply, keepRequestBodies: false });
  let batch = 0;

  const hostFiles = (spec: SharedFilesSpec, name: string) => {
    const { text, image } = sharedFileContents(spec.textBytes, spec.imageBytes);
    return [
      slack.files.add({ name: `schema-${name}.sql`, mimetype: 'text/plain', filetype: 'sql', content: text }),
      slack.files.add({ name: `diagram-${name}.png`, mimetype: 'image/png', filetype: 'png', content: image }),
    ];
  };

  async function post(request: Extract<FakeServicesRequest, { type: 'post' }>): Promise<PostResult> {
    reply = request.reply;
    batch += 1;
    const startedAt = Date.now();
    let next = 0;
    let accepted = 0;
    let failed = 0;
    const worker = async () => {
      while (next < request.count) {
        const index = next;
        next += 1;
        // Spread over 100 channels, as threads of a busy workspace would be.
        const event = buildMentionEvent({ text: `batch ${batch} thread ${index}: how do we shard this?`, user: `U${batch}X${index}`, channel: `C${1000 + (index % 100)}` });
        if (request.files) (event.event as Record<string, unknown>).files = hostFiles(request.files, `${batch}-${index}`);
        try {
          const result = await postSlackEvent(request.eventsUrl, event, { signingSecret: request.signingSecret });
          if (result.status === 200) accepted += 1;
          else failed += 1;
        } catch {
          failed += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: request.concurrency }, worker));
    return { accepted, failed, elapsedMs: Date.now() - startedAt };
  }

  function stats(): FakeServicesStats {
    let startStreams = 0;
    let stopStreams = 0;
    let slackErrors = 0;
    for (const call of slack.calls) {
      if (call.method === 'chat.startStream') startStreams += 1;
      if (call.method === 'chat.stopStream') stopStreams += 1;
      if ((call.response as { ok?: boolean }).ok === false) slackErrors += 1;
    }
    return {
      modelRequests: anthropic.requests.length,
      modelStreaming: anthropic.requests.filter((request) => request.outcome === 'pending').length,
      modelCompleted: anthropic.requests.filter((request) => request.outcome === 'completed').length,
      startStreams,
      stopStreams,
      slackCalls: slack.calls.length,
      slackErrors,
    };
  }

  process.on('message', (message: FakeServicesRequest) => {
    void (async () => {
      switch (message.type) {
        case 'post':
          send({ id: message.id, result: await post(message) });
          break;
        case 'stats':
          send({ id: message.id, result: stats() });
          break;
        case 'reset':
          slack.reset();
          anthropic.reset();
          send({ id: message.id, result: true });
          break;
        case 'close':
          await slack.close();
          await anthropic.close();
          send({ id: message.id, result: true });
          process.disconnect();
          break;
      }
    })();
  });
  send({ type: 'ready', slackUrl: slack.url, anthropicUrl: anthropic.url });
}

main().catch((error: unknown) => {
  process.stderr.write(`fake services failed: ${String(error)}\n`);
  process.exit(1);
});
