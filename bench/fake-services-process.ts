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
  | { id: number; type: 'post'; eventsUrls: string[]; signingSecret: string; count: number; concurrency: number; reply: FakeAnthropicReply; files?: SharedFilesSpec }
  | { id: number; type: 'stats' }
  | { id: number; type: 'pacing-report' }
  | { id: number; type: 'delivery-report' }
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

/** Per posted question (bench k): when the model's first text and the answer's first words came, and whether all of it arrived. */
export interface PacingReport {
  answers: Array<{ firstDeltaAt?: number; firstWordsAt?: number; modelDoneAt?: number; lastCallAt?: number; complete: boolean }>;
  /** Web API calls Slack refused with `ratelimited`. */
  ratelimited: number;
  appendStreams: number;
  /** First and last `chat.appendStream` accepted (epoch ms). */
  appendWindowMs: number;
}

/** Per posted question (bench j): how many answers its thread got, and how often the model was asked it. */
export interface DeliveryReport {
  questions: number;
  /** Questions whose thread holds no answer. */
  lost: number;
  /** Questions whose thread holds more than one answer. */
  duplicated: number;
  /** Questions the model was asked more than once. */
  askedTwice: number;
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
  // `--rate-limits=<json>`: per-method limits the fake Slack enforces (bench k); `--keep-bodies`: keep model request bodies.
  const limitsArg = process.argv.find((arg) => arg.startsWith('--rate-limits='));
  const slack = await startFakeSlackApi(limitsArg ? { rateLimits: JSON.parse(limitsArg.slice('--rate-limits='.length)) as Record<string, { perMinute: number; burst: number }> } : {});
  const anthropic = await startFakeAnthropicApi({ defaultReply: () => reply, keepRequestBodies: process.argv.includes('--keep-bodies') });
  /** The questions posted, by their text (bench k maps model requests back to threads). */
  const posted: Array<{ text: string; channel: string; ts: string }> = [];
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
        posted.push({ text: `batch ${batch} thread ${index}:`, channel: event.event.channel, ts: event.event.ts });
        // Round robin over the replicas, as a load balancer in front of a fleet spreads Slack's events.
        const eventsUrl = request.eventsUrls[index % request.eventsUrls.length] as string;
        try {
          const result = await postSlackEvent(eventsUrl, event, { signingSecret: request.signingSecret });
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

  /** Which posted question a model request asks: its `batch N thread M:` marker (as `posted` records it). */
  const questionMarkerOf = (request: (typeof anthropic.requests)[number]) =>
    /batch \d+ thread \d+:/.exec(JSON.stringify((request.body as { messages?: unknown })?.messages ?? ''))?.[0];

  /** Matches each posted question to its model request and its Slack calls. */
  function pacingReport(): PacingReport {
    const requestOf = new Map<string, (typeof anthropic.requests)[number]>();
    for (const request of anthropic.requests) {
      const marker = questionMarkerOf(request);
      if (marker) requestOf.set(marker, request);
    }
    const callsOf = new Map<string, typeof slack.calls>();
    for (const call of slack.calls) {
      const thread = typeof call.args.thread_ts === 'string' ? call.args.thread_ts : undefined;
      const ts = typeof call.args.ts === 'string' ? call.args.ts : undefined;
      const key = `${String(call.args.channel)}/${thread ?? ts ?? ''}`;
      callsOf.set(key, [...(callsOf.get(key) ?? []), call]);
    }
    const appends = slack.calls.filter((call) => call.method === 'chat.appendStream' && call.httpStatus === 200);
    return {
      answers: posted.map((question) => {
        const request = requestOf.get(question.text);
        const starts = (callsOf.get(`${question.channel}/${question.ts}`) ?? []).filter((call) => call.method === 'chat.startStream');
        const messageCalls = starts.flatMap((start) => callsOf.get(`${question.channel}/${String(start.response.ts)}`) ?? []);
        const last = [...starts, ...messageCalls].reduce((latest, call) => Math.max(latest, call.at), 0);
        return {
          firstDeltaAt: request?.firstDeltaAt,
          firstWordsAt: starts[0]?.at,
          modelDoneAt: request?.completedAt,
          lastCallAt: last || undefined,
          complete: request?.text !== undefined && slack.threadText(question.channel, question.ts) === request.text,
        };
      }),
      ratelimited: slack.calls.filter((call) => call.response.error === 'ratelimited').length,
      appendStreams: appends.length,
      appendWindowMs: appends.length > 1 ? (appends.at(-1)?.at ?? 0) - (appends[0]?.at ?? 0) : 0,
    };
  }

  function deliveryReport(): DeliveryReport {
    const asked = new Map<string, number>();
    for (const request of anthropic.requests) {
      const marker = questionMarkerOf(request);
      if (marker) asked.set(marker, (asked.get(marker) ?? 0) + 1);
    }
    let lost = 0;
    let duplicated = 0;
    for (const question of posted) {
      const answers = slack.messagesIn(question.channel, question.ts).filter((message) => message.isBot && message.ts !== question.ts).length;
      if (answers === 0) lost += 1;
      if (answers > 1) duplicated += 1;
    }
    return { questions: posted.length, lost, duplicated, askedTwice: [...asked.values()].filter((count) => count > 1).length };
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
        case 'pacing-report':
          send({ id: message.id, result: pacingReport() });
          break;
        case 'delivery-report':
          send({ id: message.id, result: deliveryReport() });
          break;
        case 'reset':
          posted.length = 0;
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
