import { buildMentionEvent } from '../test/e2e/slack-event-builders.js';
import type { BenchRow } from './bench-row.js';
import { formatNumber, percentile, pollUntil } from './bench-stats.js';
import { startBenchCrew } from './start-bench-crew.js';

/** Options of {@link measureFirstWords}. */
export interface FirstWordsOptions {
  /** Measured events (after warm-up). */
  events: number;
  /** Which rows to return. */
  sections: ReadonlySet<string>;
}

const WARM_UP = 10;

/**
 * (a) bot overhead: signed event sent by the bench → model request received by the fake
 * Anthropic API (`receivedAt`); (b) first-token lag: the fake's first text delta
 * (`firstDeltaAt`) → the fake Slack receiving the `chat.startStream` that carries it.
 * Each event is a new top-level mention (a new thread) by a new person; the next is sent once the
 * previous answer finished and its turn settled (stored, lock released), so each figure is one
 * turn's own path. Clocks: both fakes and the bench run in this process (`Date.now()`, 1 ms).
 */
export async function measureFirstWords(options: FirstWordsOptions): Promise<BenchRow[]> {
  const bench = await startBenchCrew();
  const slack = bench.slack;
  const anthropic = bench.anthropic;
  if (!slack || !anthropic) throw new Error('in-process fakes expected');
  const overheads: number[] = [];
  const lags: number[] = [];
  let failures = 0;
  try {
    for (let index = 0; index < WARM_UP + options.events; index += 1) {
      // ~0.25 s answers: the first delta right after the headers, then paced text.
      anthropic.enqueueReply({ tokens: 60, tokensPerSecond: 240 });
      const event = buildMentionEvent({ text: `bench-first-words ${index}: how should we cache sessions?`, user: `U${7000 + index}` });
      const threadTs = event.event.ts;
      const requestIndex = anthropic.requests.length;
      const sentAt = Date.now();
      const status = await bench.postEvent(event);
      const started = await pollUntil(
        () => slack.calls.some((call) => call.method === 'chat.startStream' && call.args.thread_ts === threadTs),
        5000,
        1,
      );
      const request = anthropic.requests[requestIndex];
      const start = slack.calls.find((call) => call.method === 'chat.startStream' && call.args.thread_ts === threadTs);
      if (status !== 200 || !started || !request?.firstDeltaAt || !start) {
        failures += 1;
        continue;
      }
      // The previous answer finishes and its turn settles before the next event: the figures are the bot's own.
      await pollUntil(() => slack.calls.some((call) => call.method === 'chat.stopStream' && call.args.ts === start.response.ts), 5000, 2);
      await pollUntil(async () => !(await bench.redis.listKeys()).some((key) => key.includes(':lock:{') || key.includes(':pending:{')), 5000, 2);
      if (index < WARM_UP) continue;
      overheads.push(request.receivedAt - sentAt);
      lags.push(start.at - request.firstDeltaAt);
    }
    await pollUntil(() => anthropic.requests.every((request) => request.outcome !== 'pending'), 10_000, 20);
  } finally {
    await bench.close();
  }

  const rows: BenchRow[] = [];
  if (options.sections.has('a')) {
    const p50 = percentile(overheads, 50);
    rows.push({
      section: 'a',
      figure: `bot overhead: signed event sent → model request received (${overheads.length} events)`,
      p50: `${formatNumber(p50)} ms`,
      p99: `${formatNumber(percentile(overheads, 99))} ms`,
      target: 'p50 ≤ 15 ms',
      met: p50 <= 15,
      note: failures > 0 ? `${failures} event(s) failed` : undefined,
    });
  }
  if (options.sections.has('b')) {
    const p50 = percentile(lags, 50);
    rows.push({
      section: 'b',
      figure: `first token → first Slack call carrying it (chat.startStream, ${lags.length} answers)`,
      p50: `${formatNumber(p50)} ms`,
      p99: `${formatNumber(percentile(lags, 99))} ms`,
      target: 'p50 ≤ 150 ms',
      met: p50 <= 150,
    });
  }
  return rows;
}
