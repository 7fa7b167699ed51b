import { formatRedisTurnQueueKeys } from '../../src/adapters/redis/redis-turn-queue-keys.js';
import type { RedisClient } from '../../src/adapters/redis/redis-client.js';

/** The turn queue's keys under `prefix`, for a thread of team T1, channel C1 by default (tests look at the stored state). */
export function turnQueueKeysOf(prefix: string) {
  const keys = formatRedisTurnQueueKeys(prefix);
  const of = (threadTs: string, teamId = 'T1', channelId = 'C1') => keys.listKeysOf({ teamId, channelId, threadTs });
  return {
    shards: keys.shards,
    listKey: (threadTs: string, teamId?: string, channelId?: string) => of(threadTs, teamId, channelId).listKey,
    lockKey: (threadTs: string, teamId?: string, channelId?: string) => of(threadTs, teamId, channelId).lockKey,
    streamKey: (threadTs: string, teamId?: string, channelId?: string) => of(threadTs, teamId, channelId).streamKey,
    deadLetterKey: (threadTs: string, teamId?: string, channelId?: string) => of(threadTs, teamId, channelId).deadLetterKey,
  };
}

/** Wake-up entries delivered and not yet acknowledged, over every shard (optionally of one consumer). */
export async function countPendingWakeUps(redis: RedisClient, prefix: string, consumer?: string): Promise<number> {
  let total = 0;
  for (const shard of formatRedisTurnQueueKeys(prefix).shards) {
    try {
      if (consumer === undefined) total += Number(((await redis.xpending(shard.streamKey, 'crew')) as unknown[])[0] ?? 0);
      else total += ((await redis.xpending(shard.streamKey, 'crew', '-', '+', 1_000, consumer)) as unknown[]).length;
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('NOGROUP'))) throw error;
    }
  }
  return total;
}

/** Names of the consumers in the queue's group, over every shard (XINFO CONSUMERS). */
export async function listTurnConsumers(redis: RedisClient, prefix: string): Promise<string[]> {
  const names = new Set<string>();
  for (const shard of formatRedisTurnQueueKeys(prefix).shards) {
    const reply = (await redis.xinfo('CONSUMERS', shard.streamKey, 'crew').catch(() => [])) as unknown[][];
    for (const fields of reply) names.add(String(fields[fields.indexOf('name') + 1]));
  }
  return [...names];
}

/** Reads every shard's new wake-ups as `consumer` (as a replica that then crashed would have). */
export async function readAllWakeUpsAs(redis: RedisClient, prefix: string, consumer: string): Promise<void> {
  for (const shard of formatRedisTurnQueueKeys(prefix).shards) {
    await redis.xreadgroup('GROUP', 'crew', consumer, 'COUNT', 100, 'STREAMS', shard.streamKey, '>').catch((error: unknown) => {
      if (!(error instanceof Error && error.message.startsWith('NOGROUP'))) throw error;
    });
  }
}

