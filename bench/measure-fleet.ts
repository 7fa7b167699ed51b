import { startCrewFleet, type CrewFleet } from '../test/helpers/crew-fleet.js';
import { startRedisCluster, type RedisClusterProcesses } from '../test/redis-cluster/start-redis-cluster.js';
import type { BenchRow } from './bench-row.js';
import { formatNumber, pause } from './bench-stats.js';
import { startFakeServices, waitForStats, type FakeServices } from './measure-concurrency.js';
import { BENCH_SIGNING_SECRET } from './start-bench-crew.js';

/** Options of {@link measureFleet}. */
export interface FleetOptions {
  replicas: number;
  threads: number;
}

/** Each answer: 40 tokens at 200 tokens/s, about 200 ms of streaming. */
const reply = { tokens: 40, tokensPerSecond: 200 };
const WARM_UP_THREADS = 30;

/** When the n-th answer closed (ms after the burst began), read from how many had closed at each poll. */
function timeOfAnswer(samples: Array<{ at: number; answered: number }>, n: number): number {
  return samples.find((sample) => sample.answered >= n)?.at ?? Number.NaN;
}

const answeredBy = (fleet: CrewFleet) => fleet.members.map((member) => member.logs.filter((line) => line.msg === 'turn answered').length);

/**
 * (j) A fleet at saturation: `replicas` crew processes (the real `src/main.ts`, production
 * defaults) on a local Redis Cluster of three primaries with a replica each, behind a
 * round-robin "load balancer"; the fakes and the event sender in a child process. `threads` new
 * threads are asked in one burst (64 posts in flight); the bench polls the fake Slack every
 * 100 ms for closed answers. Turns per second at saturation: the answers between the 10th and
 * the 90th percentile over the time they took (start-up and tail left out); overall: all of them
 * over the whole burst. Then every thread is checked: no answer (lost) or more than one (duplicated).
 */
export async function measureFleet(options: FleetOptions): Promise<BenchRow[]> {
  let cluster: RedisClusterProcesses | undefined;
  let services: FakeServices | undefined;
  let fleet: CrewFleet | undefined;
  try {
    cluster = await startRedisCluster();
    services = await startFakeServices();
    const { slackUrl, anthropicUrl } = services;
    const clusterNodes = cluster.nodes.join(',');
    fleet = await startCrewFleet({
      size: options.replicas,
      signingSecret: BENCH_SIGNING_SECRET,
      env: () => ({
        SLACK_BOT_TOKEN: 'xoxb-bench-token',
        SLACK_SIGNING_SECRET: BENCH_SIGNING_SECRET,
        SLACK_API_URL: slackUrl,
        ANTHROPIC_API_KEY: 'sk-ant-bench-key',
        ANTHROPIC_BASE_URL: anthropicUrl,
        REDIS_CLUSTER_NODES: clusterNodes,
        REDIS_KEY_PREFIX: `crew-bench-fleet:${Date.now()}:`,
        AGENTS_DIR: 'agents',
        // The port is read from the `crew is up` line, logged at info.
        LOG_LEVEL: 'info',
      }),
    });
    const eventsUrls = fleet.members.map((member) => `${member.origin}/slack/events`);

    await services.post(eventsUrls, WARM_UP_THREADS, reply);
    await waitForStats(services, (stats) => stats.stopStreams >= WARM_UP_THREADS, 60_000);
    await services.reset();
    const before = answeredBy(fleet);

    const startedAt = Date.now();
    const posting = services.post(eventsUrls, options.threads, reply);
    const samples: Array<{ at: number; answered: number }> = [];
    for (let answered = 0; answered < options.threads && Date.now() - startedAt < 600_000; ) {
      await pause(100);
      answered = (await services.stats()).stopStreams;
      samples.push({ at: Date.now() - startedAt, answered });
    }
    const posted = await posting;
    // Time for a duplicate (a re-run after a lost step) to show up before counting.
    await pause(2_000);
    const delivery = await services.deliveryReport();
    const perReplica = answeredBy(fleet).map((count, index) => count - (before[index] ?? 0));

    const total = samples.at(-1)?.answered ?? 0;
    const overallMs = timeOfAnswer(samples, options.threads);
    const first = Math.ceil(options.threads * 0.1);
    const last = Math.floor(options.threads * 0.9);
    const saturatedRate = ((last - first) / (timeOfAnswer(samples, last) - timeOfAnswer(samples, first))) * 1000;
    const overallRate = (total / overallMs) * 1000;
    process.stderr.write(
      `  ${total} of ${options.threads} answered in ${formatNumber(overallMs / 1000)} s; ${formatNumber(saturatedRate)} turns/s between 10% and 90%; per replica ${perReplica.join(' / ')}; lost ${delivery.lost}, duplicated ${delivery.duplicated}\n`,
    );
    return [
      {
        section: 'j',
        figure: `turns answered per second by ${options.replicas} replicas on a local Redis Cluster (3 primaries + 3 replicas), at saturation`,
        p50: `${formatNumber(saturatedRate)} turns/s`,
        note: `${options.threads} threads in one burst (the events taken in ${formatNumber(posted.elapsedMs / 1000)} s, ${posted.failed} refused); all answered in ${formatNumber(overallMs / 1000)} s (${formatNumber(overallRate)} turns/s overall); turns per replica ${perReplica.join(' / ')}; all processes share the machine's cores`,
      },
      {
        section: 'j',
        figure: `questions lost / answered twice over ${options.threads} threads`,
        p50: `${delivery.lost} / ${delivery.duplicated}`,
        target: '0 / 0',
        met: delivery.lost === 0 && delivery.duplicated === 0 && delivery.questions === options.threads,
        note: `${delivery.askedTwice} questions sent to the model twice`,
      },
    ];
  } finally {
    await fleet?.stop();
    await services?.close();
    await cluster?.stop();
  }
}
