import { buildMentionEvent, buildMessageEvent } from '../test/e2e/slack-event-builders.js';
import type { BenchRow } from './bench-row.js';
import { formatNumber, median, pause, percentile, pollUntil } from './bench-stats.js';
import { classifyWrite, installRedisWriteCounter, labelWrite, type RedisWrite } from './count-redis-round-trips.js';
import { startBenchCrew, type BenchCrew } from './start-bench-crew.js';

/** Options of {@link measureRedisPerTurn}. */
export interface RedisPerTurnOptions {
  /** Turns in the measured thread (a mention, then thread replies). */
  turns: number;
}

interface TurnTraffic {
  writes: RedisWrite[];
  background: RedisWrite[];
}

/** Periodic work not caused by a turn: the queue's reclaim sweep. */
const isBackground = (write: RedisWrite) => labelWrite(write) === 'XAUTOCLAIM';

/** True once no turn is running or queued and the thread holds `exchanges` exchanges. */
async function isSettled(bench: BenchCrew, threadTs: string, exchanges: number): Promise<boolean> {
  const keys = await bench.redis.listKeys();
  if (keys.some((key) => key.includes(':lock:{q') || key.includes(':pending:{q'))) return false;
  const turnsKey = keys.find((key) => key.includes(':turns:{') && key.includes(threadTs));
  return turnsKey !== undefined && (await bench.redis.redis.llen(turnsKey)) >= exchanges * 2;
}

/**
 * (d) Redis traffic of one turn, counted on the wire: every write the app's ioredis connections
 * make (one command, pipeline or MULTI…EXEC = one round trip), from the signed event to the
 * turn being settled (answer stored, job popped, lock released), for each turn of a thread.
 * Then the bytes the thread's keys hold per exchange.
 */
export async function measureRedisPerTurn(options: RedisPerTurnOptions): Promise<BenchRow[]> {
  const counter = installRedisWriteCounter();
  const bench = await startBenchCrew();
  counter.ignore((bench.redis.redis as unknown as { stream?: unknown }).stream);
  const { slack, anthropic } = bench;
  if (!slack || !anthropic) throw new Error('in-process fakes expected');
  const traffic: TurnTraffic[] = [];
  const channel = 'C900';
  try {
    // Warm-up in another thread: connections, consumer group, Slack auth.
    anthropic.enqueueReply({ tokens: 20 });
    const warmUp = buildMentionEvent({ text: 'warm up', user: 'U901', channel });
    await bench.postEvent(warmUp);
    await pollUntil(() => isSettled(bench, warmUp.event.ts, 1), 5000, 5);

    let threadTs = '';
    for (let turn = 1; turn <= options.turns; turn += 1) {
      await pause(20);
      const from = counter.writes.length;
      const question = `turn ${turn}: how should the ${['ledger', 'outbox', 'cache', 'queue'][turn % 4]} behave when a region fails? ${'Consider retries, idempotency and ordering. '.repeat(3)}`;
      anthropic.enqueueReply({ tokens: 300 });
      const event =
        turn === 1
          ? buildMentionEvent({ text: question, user: `U${900 + turn}`, channel })
          : buildMessageEvent({ channelType: 'channel', text: question, user: `U${900 + turn}`, channel, threadTs });
      if (turn === 1) threadTs = event.event.ts as string;
      await bench.postEvent(event);
      await pollUntil(() => slack.callsTo('chat.stopStream').filter((call) => call.args.channel === channel).length >= turn + 1, 10_000, 2);
      await pollUntil(() => isSettled(bench, threadTs, turn), 10_000, 5);
      // Quiet for 30 ms: the turn's last writes (ack, wake-up check) are in.
      let seen = counter.writes.length;
      await pollUntil(async () => {
        await pause(30);
        const quiet = counter.writes.length === seen;
        seen = counter.writes.length;
        return quiet;
      }, 2000, 0);
      const window = counter.writes.slice(from);
      traffic.push({ writes: window.filter((write) => !isBackground(write)), background: window.filter(isBackground) });
    }

    const stored = await measureStoredBytes(bench, threadTs, options.turns);
    return summarize(traffic, stored, bench.redis.prefix);
  } finally {
    counter.uninstall();
    await bench.close();
  }
}

interface StoredBytes {
  recordBytes: number;
  textBytes: number;
  memoryUsage: number;
  seenBytesPerTurn: number;
  streamBytesPerEntry: number;
}

async function measureStoredBytes(bench: BenchCrew, threadTs: string, exchanges: number): Promise<StoredBytes> {
  const { redis } = bench.redis;
  const keys = await bench.redis.listKeys();
  const turnsKey = keys.find((key) => key.includes(':turns:{') && key.includes(threadTs)) ?? '';
  const threadKey = turnsKey.replace(':turns:{', ':thread:{');
  const records = await redis.lrange(turnsKey, 0, -1);
  const recordBytes = records.reduce((sum, record) => sum + Buffer.byteLength(record), 0);
  const textBytes = records.reduce((sum, record) => sum + Buffer.byteLength((JSON.parse(record) as { x: string }).x), 0);
  const usage = async (key: string) => Number((await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
  const memoryUsage = (await usage(turnsKey)) + (await usage(threadKey));
  const seenKeys = keys.filter((key) => key.includes(':seen:'));
  let seenBytes = 0;
  for (const key of seenKeys) seenBytes += await usage(key);
  // The wake-up stream is sharded (`turn-stream:{q<i>}`): every shard counts.
  let entries = 0;
  let streamBytes = 0;
  for (const streamKey of keys.filter((key) => key.includes(':turn-stream:{q'))) {
    entries += Number(await redis.xlen(streamKey));
    streamBytes += await usage(streamKey);
  }
  return {
    recordBytes: recordBytes / exchanges,
    textBytes: textBytes / exchanges,
    memoryUsage: memoryUsage / exchanges,
    seenBytesPerTurn: seenBytes / (exchanges + 1),
    streamBytesPerEntry: entries > 0 ? streamBytes / entries : 0,
  };
}

function summarize(traffic: TurnTraffic[], stored: StoredBytes, prefix: string): BenchRow[] {
  const roundTrips = traffic.map((turn) => turn.writes.length);
  const memoryTrips = traffic.map((turn) => turn.writes.filter((write) => classifyWrite(write, prefix) === 'memory').length);
  const commands = traffic.map((turn) =>
    turn.writes.reduce((sum, write) => sum + write.commands.filter((words) => !['MULTI', 'EXEC'].includes((words[0] ?? '').toUpperCase())).length, 0),
  );
  const medianTrips = median(roundTrips);
  // A follow-up turn (thread reply) shows the usual path; turn 1 skips the listener's EXISTS.
  const typical = traffic.slice(1).find((turn) => turn.writes.length === medianTrips) ?? traffic.find((turn) => turn.writes.length === medianTrips);
  const breakdown = (typical?.writes ?? [])
    .map((write) => `${classifyWrite(write, prefix)}:${labelWrite(write)}`)
    .join(', ');
  const background = traffic.reduce((sum, turn) => sum + turn.background.length, 0);
  return [
    {
      section: 'd',
      figure: `Redis round trips per turn, whole path: dedupe + durable queue + thread memory (${traffic.length} turns; pipeline/MULTI = 1)`,
      p50: formatNumber(medianTrips, 0),
      p99: formatNumber(percentile(roundTrips, 99), 0),
      target: '≤ 6 round trips',
      met: medianTrips <= 6,
      note: `median turn: ${breakdown}${background > 0 ? `; ${background} background XAUTOCLAIM sweep(s) left out` : ''}`,
    },
    {
      section: 'd',
      figure: 'of which thread memory (ConversationStore: EXISTS on a reply, bind, read, append)',
      p50: formatNumber(median(memoryTrips), 0),
      p99: formatNumber(percentile(memoryTrips, 99), 0),
      target: '≤ 6 round trips',
      met: median(memoryTrips) <= 6,
    },
    {
      section: 'd',
      figure: 'Redis commands per turn sent by the app (a Lua script counts as 1)',
      p50: formatNumber(median(commands), 0),
      p99: formatNumber(percentile(commands, 99), 0),
    },
    {
      section: 'd',
      figure: 'bytes stored per exchange (question + 300-token answer) in the thread’s keys',
      p50: `${formatNumber(stored.recordBytes, 0)} B records`,
      note: `text ${formatNumber(stored.textBytes, 0)} B, so ${formatNumber(stored.recordBytes - stored.textBytes, 0)} B of record fields; Redis MEMORY USAGE ${formatNumber(stored.memoryUsage, 0)} B/exchange; transient: dedupe keys ${formatNumber(stored.seenBytesPerTurn, 0)} B/turn (2 h TTL), queue stream ${formatNumber(stored.streamBytesPerEntry, 0)} B/entry (MAXLEN ~100k)`,
    },
  ];
}
