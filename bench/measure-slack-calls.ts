import { buildMentionEvent } from '../test/e2e/slack-event-builders.js';
import type { BenchRow } from './bench-row.js';
import { pollUntil } from './bench-stats.js';
import { startBenchCrew } from './start-bench-crew.js';

/**
 * (c) Every Slack Web API call the crew makes for one turn whose answer is 1,000 tokens
 * streamed at 80 tokens/s (~12.5 s), with the default STREAM_FLUSH_INTERVAL_MS.
 */
export async function measureSlackCalls(): Promise<BenchRow[]> {
  const bench = await startBenchCrew();
  const slack = bench.slack;
  const anthropic = bench.anthropic;
  if (!slack || !anthropic) throw new Error('in-process fakes expected');
  try {
    // Warm-up turn (auth.test and connection setup happen once per process, not per turn).
    anthropic.enqueueReply({ tokens: 20 });
    const warmUp = buildMentionEvent({ text: 'warm up', user: 'U778' });
    await bench.postEvent(warmUp);
    await pollUntil(() => slack.calls.some((call) => call.method === 'chat.stopStream' && call.args.channel === 'C111'), 5000, 5);
    slack.reset();

    anthropic.enqueueReply({ tokens: 1000, tokensPerSecond: 80 });
    const event = buildMentionEvent({ text: 'walk me through a zero-downtime Postgres major upgrade', user: 'U778' });
    const threadTs = event.event.ts;
    await bench.postEvent(event);
    const done = await pollUntil(() => {
      const bot = slack.messagesIn('C111', threadTs).filter((message) => message.isBot);
      return bot.length > 0 && bot.every((message) => !message.isStreaming);
    }, 30_000, 20);
    const calls = slack.calls.filter((call) => call.method !== 'auth.test');
    const byMethod = new Map<string, number>();
    for (const call of calls) byMethod.set(call.method, (byMethod.get(call.method) ?? 0) + 1);
    const breakdown = [...byMethod.entries()].map(([method, count]) => `${method} ×${count}`).join(', ');
    const answer = slack.threadText('C111', threadTs);
    return [
      {
        section: 'c',
        figure: 'Slack calls for one 1,000-token answer at 80 tokens/s',
        p50: String(calls.length),
        target: '≤ 20 calls',
        met: done && calls.length <= 20,
        note: `${breakdown}; ${answer.length.toLocaleString('en-US')} chars shown${done ? '' : '; ANSWER DID NOT FINISH'}`,
      },
    ];
  } finally {
    await bench.close();
  }
}
