import { buildMentionEvent, buildMessageEvent } from '../test/e2e/slack-event-builders.js';
import type { FakeUsageTotals } from '../test/fakes/fake-anthropic-api.js';
import type { BenchRow } from './bench-row.js';
import { formatNumber, pollUntil } from './bench-stats.js';
import { startBenchCrew } from './start-bench-crew.js';

/** Options of {@link measureCacheCost}. */
export interface CacheCostOptions {
  /** Turns in the thread. */
  turns: number;
}

/** Input tokens as billed: uncached 1×, cache writes 1.25×, cache reads 0.1×. */
export function billedInputTokens(usage: FakeUsageTotals): number {
  return usage.input_tokens + 1.25 * usage.cache_creation_input_tokens + 0.1 * usage.cache_read_input_tokens;
}

/** Runs one thread of `turns` turns against a fresh crew and fake API (empty cache); returns the fake's usage totals. */
async function runThread(turns: number, promptCaching: boolean): Promise<FakeUsageTotals> {
  const bench = await startBenchCrew({ promptCaching });
  const { slack, anthropic } = bench;
  if (!slack || !anthropic) throw new Error('in-process fakes expected');
  try {
    let threadTs = '';
    for (let turn = 1; turn <= turns; turn += 1) {
      // Answers of ~400 tokens, questions of ~40: a design discussion.
      anthropic.enqueueReply({ tokens: 400 });
      const text = `question ${turn}: what changes if traffic grows ${turn * 2}× and we add a second region with active-active writes?`;
      const event =
        turn === 1
          ? buildMentionEvent({ text, user: `U${950 + turn}`, channel: 'C950' })
          : buildMessageEvent({ channelType: 'channel', text, user: `U${950 + turn}`, channel: 'C950', threadTs });
      if (turn === 1) threadTs = event.event.ts as string;
      await bench.postEvent(event);
      const answered = await pollUntil(() => {
        const bot = slack.messagesIn('C950', threadTs).filter((message) => message.isBot);
        return bot.length >= turn && bot.every((message) => !message.isStreaming);
      }, 10_000, 5);
      if (!answered) throw new Error(`turn ${turn} was not answered`);
      // The exchange must be stored before the next question reads the history.
      await pollUntil(async () => {
        const keys = await bench.redis.listKeys();
        return !keys.some((key) => key.includes(':lock:{q') || key.includes(':pending:{q'));
      }, 5000, 5);
    }
    return anthropic.usageTotals();
  } finally {
    await bench.close();
  }
}

/**
 * (e) Billed input tokens of the same 20-turn thread with prompt caching (the crew's
 * breakpoints) and without (an internal startCrew option removes every `cache_control`), as the
 * fake API reports usage: a prefix is cached from 1,024 tokens, reads bill 0.1×, writes 1.25×.
 */
export async function measureCacheCost(options: CacheCostOptions): Promise<BenchRow[]> {
  const cached = await runThread(options.turns, true);
  const uncached = await runThread(options.turns, false);
  const ratio = billedInputTokens(cached) / billedInputTokens(uncached);
  return [
    {
      section: 'e',
      figure: `billed input tokens of a ${options.turns}-turn thread, caching on ÷ off`,
      p50: formatNumber(ratio, 3),
      target: '≤ 0.35',
      met: ratio <= 0.35,
      note:
        `on: ${Math.round(billedInputTokens(cached)).toLocaleString('en-US')} billed (uncached ${cached.input_tokens.toLocaleString('en-US')}, ` +
        `writes ${cached.cache_creation_input_tokens.toLocaleString('en-US')}, reads ${cached.cache_read_input_tokens.toLocaleString('en-US')}); ` +
        `off: ${Math.round(billedInputTokens(uncached)).toLocaleString('en-US')}`,
    },
  ];
}
