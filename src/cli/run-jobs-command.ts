import { createRedisTurnDeadLetters } from '../adapters/redis/redis-turn-dead-letters.js';
import type { TurnDeadLetter, TurnDeadLetters } from '../core/queue/turn-dead-letter.js';
import { connectCliRedis } from './connect-cli-redis.js';
import type { CommandIo } from './lint-agents.js';

/** Usage of `crew jobs`, printed on a usage error. */
export const jobsUsage = `Usage:
  crew jobs [--verbose]          list the jobs the queue gave up on (newest first)
  crew jobs requeue <id>         put one back on the queue, with its attempts reset
`;

/** What `crew jobs` was asked to do. */
type JobsRequest = { action: 'list'; verbose: boolean } | { action: 'requeue'; id: string };

/**
 * `crew jobs`: the turn queue's dead letters in Redis (`REDIS_URL`, `REDIS_CLUSTER_NODES` or `REDIS_SENTINELS`, keys under
 * `REDIS_KEY_PREFIX`, as the bot uses them). Lists them — id, when, reason, thread; the question
 * only with `--verbose` — or requeues one. Exit 0 on success, 1 when Redis fails or no dead
 * letter has the id, 2 on a usage or configuration error (REDIS_URL missing included).
 */
export async function runJobsCommand(args: string[], environment: Record<string, string | undefined>, io: CommandIo): Promise<number> {
  const request = parseJobsRequest(args);
  if (request === undefined) {
    io.err.write(jobsUsage);
    return 2;
  }
  const connected = connectCliRedis(environment, io, '✘ crew jobs needs REDIS_URL: failed jobs are kept in Redis (without it the bot keeps them in its own memory only).\n');
  if (typeof connected === 'number') return connected;
  const { config, redis, where } = connected;
  const deadLetters = createRedisTurnDeadLetters({ redis, keyPrefix: config.redisKeyPrefix });
  try {
    return request.action === 'list' ? await listDeadJobs(deadLetters, request.verbose, io) : await requeueDeadJob(deadLetters, request.id, io);
  } catch (error) {
    io.err.write(`✘ Redis at ${where} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await connected.close();
  }
}

function parseJobsRequest(args: string[]): JobsRequest | undefined {
  const verbose = args.includes('--verbose') || args.includes('-v');
  const words = args.filter((arg) => arg !== '--verbose' && arg !== '-v');
  if (words.some((word) => word.startsWith('-'))) return undefined;
  if (words.length === 0) return { action: 'list', verbose };
  if (words[0] === 'requeue' && words.length === 2 && words[1]) return { action: 'requeue', id: words[1] };
  return undefined;
}

async function listDeadJobs(deadLetters: TurnDeadLetters, verbose: boolean, io: CommandIo): Promise<number> {
  const letters = await deadLetters.list();
  if (letters.length === 0) {
    io.out.write('No failed jobs.\n');
    return 0;
  }
  io.out.write(`${letters.length} failed job(s), newest first:\n`);
  for (const letter of letters) {
    io.out.write(`${letter.id}  ${new Date(letter.failedAt).toISOString()}  ${letter.code} after ${letter.attempts} attempt(s): ${letter.message}\n`);
    io.out.write(`    thread ${formatThread(letter)} (${letter.job.source}, asked by ${letter.job.userId})\n`);
    if (verbose) io.out.write(`    question: ${letter.job.text}\n`);
  }
  io.out.write('\nRequeue one with: crew jobs requeue <id>\n');
  return 0;
}

async function requeueDeadJob(deadLetters: TurnDeadLetters, id: string, io: CommandIo): Promise<number> {
  const letter = await deadLetters.requeue(id);
  if (letter === undefined) {
    io.err.write(`✘ No failed job with id ${id} (see: crew jobs)\n`);
    return 1;
  }
  io.out.write(`✔ Requeued ${letter.id} in thread ${formatThread(letter)}; it runs again with its attempts reset.\n`);
  return 0;
}

function formatThread(letter: TurnDeadLetter): string {
  return `${letter.teamId}/${letter.channelId}/${letter.threadTs ?? '(new /crew thread)'}`;
}
