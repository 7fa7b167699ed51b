import { buildMentionEvent } from '../test/e2e/slack-event-builders.js';
import type { BenchRow } from './bench-row.js';
import { formatNumber, pause, percentile, pollUntil } from './bench-stats.js';
import { startFakeServices, waitForStats } from './measure-concurrency.js';
import { sharedFileContents } from './shared-file-contents.js';
import { startBenchCrew } from './start-bench-crew.js';

/** Options of {@link measureSharedFiles}. */
export interface SharedFilesOptions {
  /** Measured sequential questions (after warm-up). */
  questions: number;
  /** Questions run at once for the memory figure. */
  concurrent: number;
}

const WARM_UP = 5;

/**
 * The default history budget (60,000 tokens) has no room for a 200 KB text file (about 50,000
 * tokens) beside a question: it would be left out, and nothing read. The bench gives the files
 * room, as a deployment that expects such files would.
 */
const ROOM_FOR_FILES = { HISTORY_TOKEN_BUDGET: '200000' };

/**
 * (i) shared files: each question carries a 200 KB text file and a 1 MB PNG hosted by the fake
 * Slack (downloaded with the bot token over loopback). Time: bench clock when it starts POSTing
 * the signed event → fake Anthropic `receivedAt` of the model request, one question at a time.
 * Memory: peak RSS of the bot's process (sampled every 20 ms) minus its RSS before, while
 * `concurrent` such questions run at once; for this figure the fakes and the event sender run
 * in a child process (as in f), so only the bot's own memory is counted.
 */
export async function measureSharedFiles(options: SharedFilesOptions): Promise<BenchRow[]> {
  const bench = await startBenchCrew({ env: ROOM_FOR_FILES });
  const slack = bench.slack;
  const anthropic = bench.anthropic;
  if (!slack || !anthropic) throw new Error('in-process fakes expected');
  const { text, image } = sharedFileContents(200_000, 1024 * 1024);
  const latencies: number[] = [];
  let failures = 0;
  try {
    for (let index = 0; index < WARM_UP + options.questions; index += 1) {
      const files = [
        slack.files.add({ name: `schema-${index}.sql`, mimetype: 'text/plain', filetype: 'sql', content: text }),
        slack.files.add({ name: `diagram-${index}.png`, mimetype: 'image/png', filetype: 'png', content: image }),
      ];
      anthropic.enqueueReply({ text: 'Looks right.' });
      const event = buildMentionEvent({ text: `bench-files ${index}: does the diagram match the schema?`, user: `U${8000 + index}` });
      (event.event as Record<string, unknown>).files = files;
      const requestIndex = anthropic.requests.length;
      const sentAt = Date.now();
      const status = await bench.postEvent(event);
      // The fake records a request on arrival and its body once read: wait for the body.
      const arrived = await pollUntil(() => anthropic.requests[requestIndex]?.body !== undefined, 5000, 1);
      const request = anthropic.requests[requestIndex];
      // Both files must be in the request (base64 image and text), or the figure measures nothing.
      const carried = request !== undefined && (JSON.stringify(request.body) ?? '').length > text.length + image.length * (4 / 3);
      if (status !== 200 || !arrived || !request || !carried) {
        failures += 1;
        continue;
      }
      await pollUntil(async () => !(await bench.redis.listKeys()).some((key) => key.includes(':lock:{') || key.includes(':pending:{')), 5000, 2);
      if (index >= WARM_UP) latencies.push(request.receivedAt - sentAt);
    }
    await pollUntil(() => anthropic.requests.every((request) => request.outcome !== 'pending'), 10_000, 20);

  } finally {
    await bench.close();
  }
  const peakGrowthMb = await measurePeakGrowth(options.concurrent);
  const p50 = percentile(latencies, 50);
  return [
    {
      section: 'i',
      figure: `shared files: event → model request with a 200 KB text file and a 1 MB image (${latencies.length} questions)`,
      p50: `${formatNumber(p50)} ms`,
      p99: `${formatNumber(percentile(latencies, 99))} ms`,
      target: 'p50 ≤ 150 ms',
      met: p50 <= 150,
      note: failures > 0 ? `${failures} question(s) failed` : undefined,
    },
    {
      section: 'i',
      figure: `shared files: the bot's peak RSS growth, ${options.concurrent} such questions at once`,
      p50: `${formatNumber(peakGrowthMb)} MB`,
      target: '≤ 150 MB',
      met: peakGrowthMb <= 150,
    },
  ];
}

/** Peak RSS growth of this process (the bot only) while `count` questions with files run at once. */
async function measurePeakGrowth(count: number): Promise<number> {
  const services = await startFakeServices();
  const bench = await startBenchCrew({
    external: { slackUrl: services.slackUrl, anthropicUrl: services.anthropicUrl },
    env: { ...ROOM_FOR_FILES, TURN_CONCURRENCY: String(count), SLACK_FILE_HOSTS: new URL(services.slackUrl).host },
  });
  try {
    // One warm-up question, so code paths are compiled before the baseline.
    await services.post(bench.eventsUrl, 1, { text: 'Warm.' }, { concurrency: 1, files: { textBytes: 200_000, imageBytes: 1024 * 1024 } });
    await waitForStats(services, (stats) => stats.modelCompleted >= 1, 10_000);
    await pause(500);
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    await services.post(bench.eventsUrl, count, { tokens: 60, tokensPerSecond: 120 }, { concurrency: count, files: { textBytes: 200_000, imageBytes: 1024 * 1024 } });
    await waitForStats(services, (stats) => stats.modelCompleted >= count + 1 && stats.stopStreams >= count + 1, 30_000);
    clearInterval(sampler);
    return (peak - before) / 2 ** 20;
  } finally {
    await bench.close();
    await services.close();
  }
}
