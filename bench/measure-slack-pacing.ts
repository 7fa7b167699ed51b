import type { BenchRow } from './bench-row.js';
import { formatNumber, percentile } from './bench-stats.js';
import { startFakeServices, waitForStats } from './measure-concurrency.js';
import { startBenchCrew } from './start-bench-crew.js';

/** Options of {@link measureSlackPacing}. */
export interface SlackPacingOptions {
  /** Answers streaming at once into one workspace. */
  answers: number;
}

/** Slack's Tier 4 as the fake enforces it on `chat.appendStream`: 100 a minute, bursts of 20. */
const TIER_4 = { perMinute: 100, burst: 20 };
/** Each answer: 300 tokens at 40 tokens/s, ~7.5 s of streaming. */
const reply = { tokens: 300, tokensPerSecond: 40 };

/**
 * (k) Many answers streaming at once into one workspace whose fake Slack enforces Tier 4 on
 * `chat.appendStream` (429 + Retry-After past it). The fakes run in a child process; the crew
 * runs with its defaults (SLACK_STREAM_CALLS_PER_MINUTE 90). Per answer: the fake Anthropic's
 * first text delta → the fake Slack's `chat.startStream` carrying the first words; the model's
 * last byte → the answer's last Slack call; and whether the thread shows the model's whole text.
 */
export async function measureSlackPacing(options: SlackPacingOptions): Promise<BenchRow[]> {
  const services = await startFakeServices([`--rate-limits=${JSON.stringify({ 'chat.appendStream': TIER_4 })}`, '--keep-bodies']);
  const bench = await startBenchCrew({
    external: { slackUrl: services.slackUrl, anthropicUrl: services.anthropicUrl },
    env: { TURN_CONCURRENCY: String(Math.max(256, options.answers)) },
  });
  try {
    await services.post(bench.eventsUrl, options.answers, reply, { concurrency: 64 });
    await waitForStats(services, (stats) => stats.stopStreams >= options.answers, 180_000);
    const report = await services.pacingReport();
    const firstWords = report.answers.flatMap((answer) => (answer.firstDeltaAt && answer.firstWordsAt ? [answer.firstWordsAt - answer.firstDeltaAt] : []));
    const lags = report.answers.flatMap((answer) => (answer.modelDoneAt && answer.lastCallAt ? [answer.lastCallAt - answer.modelDoneAt] : []));
    const lost = report.answers.filter((answer) => !answer.complete).length;
    const appendRate = report.appendWindowMs > 0 ? (report.appendStreams - 1) / (report.appendWindowMs / 60_000) : 0;
    const p50 = percentile(firstWords, 50);
    const p99 = percentile(firstWords, 99);
    const note = `${options.answers} answers, ${report.answers.length} measured; ${report.appendStreams} chat.appendStream accepted (${formatNumber(appendRate, 0)} a minute over their span; Tier 4 enforced: 100 a minute, bursts of 20)`;
    return [
      { section: 'k', figure: `${options.answers} answers streaming at once into one workspace: Slack \`ratelimited\` responses`, p50: String(report.ratelimited), target: '0', met: report.ratelimited === 0, note },
      { section: 'k', figure: '… first words after the model’s first token', p50: `${formatNumber(p50, 0)} ms`, p99: `${formatNumber(p99, 0)} ms`, target: 'p50 ≤ 150 ms, p99 ≤ 1 s', met: p50 <= 150 && p99 <= 1000 },
      { section: 'k', figure: '… answers missing text in Slack', p50: String(lost), target: '0', met: lost === 0 },
      {
        section: 'k',
        figure: '… answer completion behind the model (last Slack call − model’s last byte)',
        p50: `${formatNumber(percentile(lags, 50), 0)} ms`,
        p99: `${formatNumber(percentile(lags, 99), 0)} ms`,
        note: `slowest ${formatNumber(Math.max(0, ...lags), 0)} ms`,
      },
    ];
  } finally {
    await bench.close();
    await services.close();
  }
}
