import type { RedisClient } from './redis-client.js';
import type { StopRequest, StopRequestBus } from '../../core/sessions/ports.js';
import type { Logger } from '../../core/shared/ports.js';

/** Options of {@link createRedisStopRequestBus}. */
export interface RedisStopRequestBusOptions {
  /** Connection for PUBLISH. */
  redis: RedisClient;
  /** A dedicated connection for SUBSCRIBE (a subscribed connection can run nothing else); closed by `close`. */
  subscriber: RedisClient;
  /** The pub/sub channel (from `redis-keys.ts`: `stopChannel`). */
  channel: string;
  logger: Logger;
}

/**
 * Stop requests over Redis pub/sub: a Stop pressed on one replica reaches the replica running
 * the answer. Pub/sub keeps nothing, which is what a Stop needs — it is about the answer running
 * now, and a request no replica hears had no running answer to stop (the publisher logs when
 * no subscriber received it). ioredis re-subscribes by itself after a reconnect.
 */
export function createRedisStopRequestBus(options: RedisStopRequestBusOptions): StopRequestBus {
  const { redis, subscriber, channel, logger } = options;
  const handlers = new Set<(request: StopRequest) => void>();
  let subscribed: Promise<unknown> | undefined;

  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    const request = parseStopRequest(message);
    if (request === undefined) {
      logger.warn({ channel }, 'ignored a malformed stop request');
      return;
    }
    for (const handler of [...handlers]) handler(request);
  });

  return {
    async publish(request) {
      const receivers = await redis.publish(channel, JSON.stringify(request));
      if (receivers === 0) logger.warn({ thread: request.thread.threadTs, channel: request.thread.channelId }, 'no replica is listening for stop requests');
    },
    subscribe(handler) {
      handlers.add(handler);
      subscribed ??= subscriber.subscribe(channel).catch((error: unknown) => {
        subscribed = undefined;
        logger.error({ err: error, channel }, 'could not subscribe to stop requests; Stop presses will not reach this replica');
      });
      return () => void handlers.delete(handler);
    },
    async close() {
      handlers.clear();
      subscriber.disconnect();
    },
  };
}

/** Reads a published request; undefined for anything else. */
function parseStopRequest(message: string): StopRequest | undefined {
  try {
    const value = JSON.parse(message) as Partial<StopRequest>;
    const thread = value.thread;
    if (
      typeof thread?.teamId !== 'string' ||
      typeof thread.channelId !== 'string' ||
      typeof thread.threadTs !== 'string' ||
      typeof value.userId !== 'string' ||
      !Array.isArray(value.messageTs) ||
      typeof value.at !== 'number'
    ) {
      return undefined;
    }
    return { thread: { teamId: thread.teamId, channelId: thread.channelId, threadTs: thread.threadTs }, userId: value.userId, messageTs: value.messageTs.map(String), at: value.at };
  } catch {
    return undefined;
  }
}
