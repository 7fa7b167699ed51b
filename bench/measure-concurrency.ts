import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FakeAnthropicReply } from '../test/fakes/fake-anthropic-api.js';
import type { BenchRow } from './bench-row.js';
import { formatNumber, pause } from './bench-stats.js';
import type { DeliveryReport, FakeServicesStats, PacingReport, PostResult, SharedFilesSpec } from './fake-services-process.js';
import { BENCH_SIGNING_SECRET, startBenchCrew } from './start-bench-crew.js';

/** Options of {@link measureConcurrency}. */
export interface ConcurrencyOptions {
  /** Concurrent threads per step. */
  steps: number[];
  /** Event-loop delay p99 that ends the ramp (default 100 ms). */
  maxDelayP99Ms?: number;
}

/** Answer shape during the ramp: 450 tokens at 30 tokens/s = 15 s of streaming per thread. */
const slowReply = { tokens: 450, tokensPerSecond: 30 };
const STEADY_WINDOW_MS = 3000;

export interface FakeServices {
  slackUrl: string;
  anthropicUrl: string;
  /** Posts `count` new-thread mentions to `eventsUrl` (several: round robin). */
  post(eventsUrl: string | string[], count: number, reply: FakeAnthropicReply, options?: { concurrency?: number; files?: SharedFilesSpec }): Promise<PostResult>;
  stats(): Promise<FakeServicesStats>;
  pacingReport(): Promise<PacingReport>;
  deliveryReport(): Promise<DeliveryReport>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the fakes in a child process; `args` are its flags (`--rate-limits=<json>`, `--keep-bodies`). */
export async function startFakeServices(args: string[] = []): Promise<FakeServices> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./fake-services-process.ts', import.meta.url)), args, {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, (result: unknown) => void>();
  let nextId = 1;
  const ready = new Promise<{ slackUrl: string; anthropicUrl: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`fake services exited with ${code}`)));
    child.on('message', (message: { id?: number; type?: string; result?: unknown; slackUrl?: string; anthropicUrl?: string }) => {
      if (message.type === 'ready') resolve({ slackUrl: message.slackUrl as string, anthropicUrl: message.anthropicUrl as string });
      else if (message.id !== undefined) waiting.get(message.id)?.(message.result);
    });
  });
  const request = <T>(message: Record<string, unknown>): Promise<T> =>
    new Promise<T>((resolve) => {
      const id = nextId;
      nextId += 1;
      waiting.set(id, (result) => {
        waiting.delete(id);
        resolve(result as T);
      });
      child.send({ ...message, id });
    });
  const urls = await ready;
  return {
    ...urls,
    post: (eventsUrl, count, reply, options = {}) =>
      request<PostResult>({ type: 'post', eventsUrls: typeof eventsUrl === 'string' ? [eventsUrl] : eventsUrl, signingSecret: BENCH_SIGNING_SECRET, count, concurrency: options.concurrency ?? 64, reply, ...(options.files ? { files: options.files } : {}) }),
    stats: () => request<FakeServicesStats>({ type: 'stats' }),
    pacingReport: () => request<PacingReport>({ type: 'pacing-report' }),
    deliveryReport: () => request<DeliveryReport>({ type: 'delivery-report' }),
    reset: async () => void (await request<boolean>({ type: 'reset' })),
    close: async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await Promise.race([request<boolean>({ type: 'close' }), pause(5000)]);
      child.kill();
      await Promise.race([exited, pause(2000)]);
    },
  };
}

export async function waitForStats(services: FakeServices, predicate: (stats: FakeServicesStats) => boolean, timeoutMs: number): Promise<FakeServicesStats> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await services.stats();
    if (predicate(stats) || Date.now() > deadline) return stats;
    await pause(100);
  }
}

interface StepResult {
  threads: number;
  concurrent: number;
  burstP99Ms: number;
  steadyP50Ms: number;
  steadyP99Ms: number;
  steadyMaxMs: number;
  peakRssMb: number;
  answered: number;
  ingestMs: number;
}

/**
 * (f) Threads answered at once by one crew process, ramping 100 → 1000 concurrent threads.
 * The fakes and the event sender run in a child process, so this process holds only the bot.
 * Each step posts N mentions (new threads; 64 in flight), waits until all N model streams are
 * open, then samples the event-loop delay (`monitorEventLoopDelay`, 10 ms resolution) for 3 s
 * while all N stream (15 s answers at 30 tokens/s, flushed to Slack every 800 ms), and waits for
 * every answer to finish. The ramp stops at the first step whose p99 is over the limit.
 * TURN_CONCURRENCY is raised to the step size (its default, 64, would queue the rest).
 */
export async function measureConcurrency(options: ConcurrencyOptions): Promise<BenchRow[]> {
  const limit = options.maxDelayP99Ms ?? 100;
  const services = await startFakeServices();
  const maxThreads = Math.max(...options.steps);
  const bench = await startBenchCrew({
    external: { slackUrl: services.slackUrl, anthropicUrl: services.anthropicUrl },
    env: { TURN_CONCURRENCY: String(maxThreads) },
  });
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const results: StepResult[] = [];
  try {
    // Warm-up: lazy imports, JIT and connection pools are paid before the first step.
    await services.post(bench.eventsUrl, 50, { tokens: 60, tokensPerSecond: 120 });
    await waitForStats(services, (stats) => stats.stopStreams >= 50, 30_000);
    for (const threads of options.steps) {
      await services.reset();
      histogram.reset();
      let peakRss = process.memoryUsage().rss;
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
      const startedAt = Date.now();
      const posting = services.post(bench.eventsUrl, threads, slowReply);
      const opened = await waitForStats(services, (stats) => stats.modelRequests >= threads, 30_000);
      const ingestMs = Date.now() - startedAt;
      const burstP99Ms = histogram.percentile(99) / 1e6;
      histogram.reset();
      await pause(STEADY_WINDOW_MS);
      const steadyP50Ms = histogram.percentile(50) / 1e6;
      const steadyP99Ms = histogram.percentile(99) / 1e6;
      const steadyMaxMs = histogram.max / 1e6;
      const during = await services.stats();
      await posting;
      const finished = await waitForStats(services, (stats) => stats.stopStreams >= threads, 60_000);
      clearInterval(sampler);
      results.push({
        threads,
        concurrent: Math.min(opened.modelStreaming, during.modelStreaming),
        burstP99Ms,
        steadyP50Ms,
        steadyP99Ms,
        steadyMaxMs,
        peakRssMb: peakRss / 2 ** 20,
        answered: finished.stopStreams,
        ingestMs,
      });
      process.stderr.write(
        `  ${threads} threads: ${during.modelStreaming} streaming, loop delay p99 ${formatNumber(steadyP99Ms)} ms (burst ${formatNumber(burstP99Ms)} ms), RSS ${formatNumber(peakRss / 2 ** 20, 0)} MB, ${finished.stopStreams} answered\n`,
      );
      if (steadyP99Ms >= limit || finished.stopStreams < threads) break;
      await pause(500);
    }
  } finally {
    histogram.disable();
    if (process.env.BENCH_DEBUG) for (const line of bench.problems.slice(0, 30)) process.stderr.write(`${JSON.stringify(line).slice(0, 400)}\n`);
    await bench.close();
    await services.close();
  }
  return summarize(results, limit);
}

function summarize(results: StepResult[], limit: number): BenchRow[] {
  const passing = results.filter((step) => step.steadyP99Ms < limit && step.answered >= step.threads && step.concurrent >= step.threads * 0.95);
  const best = passing.at(-1);
  const rows: BenchRow[] = [
    {
      section: 'f',
      figure: `concurrent threads answered by one process with event-loop delay p99 < ${limit} ms`,
      p50: best ? `${best.threads}` : 'none',
      target: '≥ 500 threads',
      met: (best?.threads ?? 0) >= 500,
      note: best ? `peak RSS ${formatNumber(best.peakRssMb, 0)} MB at ${best.threads}` : undefined,
    },
  ];
  for (const step of results) {
    rows.push({
      section: 'f',
      figure: `… ${step.threads} threads (${step.concurrent} streaming at once): event-loop delay while streaming`,
      p50: `${formatNumber(step.steadyP50Ms)} ms`,
      p99: `${formatNumber(step.steadyP99Ms)} ms`,
      target: `p99 < ${limit} ms`,
      met: step.steadyP99Ms < limit,
      note: `peak RSS ${formatNumber(step.peakRssMb, 0)} MB; max delay ${formatNumber(step.steadyMaxMs, 0)} ms; the ${step.threads} events were taken in ${formatNumber(step.ingestMs / 1000)} s (delay p99 ${formatNumber(step.burstP99Ms)} ms during that burst); ${step.answered} answered`,
    });
  }
  return rows;
}
