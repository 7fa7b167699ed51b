import { createRedisFeedbackStore } from '../adapters/redis/redis-feedback-store.js';
import { maxFeedbackPeriodDays, parseFeedbackPeriod } from '../core/feedback/parse-feedback-period.js';
import { formatFeedbackReport, summarizeFeedback } from '../core/feedback/summarize-feedback.js';
import { connectCliRedis } from './connect-cli-redis.js';
import type { CommandIo } from './lint-agents.js';

/** Usage of `crew feedback`, printed on a usage error. */
export const feedbackUsage = `Usage:
  crew feedback [--since 7d]     votes on answers per agent (👍, 👎, comments); periods in h, d or w, up to ${maxFeedbackPeriodDays}d
`;

/** Reads `--since <period>` / `--since=<period>` (default 7d); undefined on a usage error. */
function parseFeedbackArgs(args: string[]): { label: string; periodMs: number } | undefined {
  let label = '7d';
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    if (arg === '--since') label = args[(index += 1)] ?? '';
    else if (arg.startsWith('--since=')) label = arg.slice('--since='.length);
    else return undefined;
  }
  const periodMs = parseFeedbackPeriod(label);
  return periodMs === undefined ? undefined : { label, periodMs };
}

/**
 * `crew feedback`: the votes on answers kept in Redis (`REDIS_URL`, `REDIS_CLUSTER_NODES` or `REDIS_SENTINELS`, keys under
 * `REDIS_KEY_PREFIX`, as the bot writes them), per agent, for the votes last pressed in the
 * period (`--since 7d` by default). Reads one day index per UTC day, no SCAN. Votes live as
 * long as their thread (`THREAD_RETENTION_DAYS`). Exit 0 on success, 1 when Redis fails, 2 on a
 * usage or configuration error (REDIS_URL missing included).
 */
export async function runFeedbackCommand(
  args: string[],
  environment: Record<string, string | undefined>,
  io: CommandIo,
  now: () => number = Date.now,
): Promise<number> {
  const request = parseFeedbackArgs(args);
  if (request === undefined) {
    io.err.write(feedbackUsage);
    return 2;
  }
  const connected = connectCliRedis(environment, io, '✘ crew feedback needs REDIS_URL: votes are kept in Redis (without it the bot keeps them in its own memory only).\n');
  if (typeof connected === 'number') return connected;
  const { config, redis, where } = connected;
  const store = createRedisFeedbackStore({ redis, keyPrefix: config.redisKeyPrefix, retentionMs: config.conversation.retentionMs });
  try {
    const untilMs = now();
    const sinceMs = untilMs - request.periodMs;
    const votes = await store.listVotes(sinceMs, untilMs);
    io.out.write(formatFeedbackReport(summarizeFeedback(votes), { sinceMs, untilMs, sinceLabel: request.label }));
    return 0;
  } catch (error) {
    io.err.write(`✘ Redis at ${where} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await connected.close();
  }
}
