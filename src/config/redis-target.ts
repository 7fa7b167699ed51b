import { z } from 'zod';

/** How the crew reaches Redis, named as `/readyz` and the start log name it. */
export type RedisMode = 'redis-single' | 'redis-cluster' | 'redis-sentinel';

/** One `host:port` of a cluster node or a sentinel. */
export interface RedisNodeAddress {
  host: string;
  port: number;
}

/** Where Redis is: one of `REDIS_URL`, `REDIS_CLUSTER_NODES`, `REDIS_SENTINELS`. */
export type RedisTarget =
  | { mode: 'redis-single'; url: string }
  /** `tls` when the nodes were given as `rediss://host:port`. */
  | { mode: 'redis-cluster'; nodes: RedisNodeAddress[]; tls: boolean; password?: string }
  | { mode: 'redis-sentinel'; sentinels: RedisNodeAddress[]; name: string; password?: string };

/** The variables that each name a Redis deployment; exactly one may be set. */
export const REDIS_TARGET_VARIABLES = ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'] as const;

const hostPort = /^(?:(rediss?):\/\/)?([^\s:/,]+|\[[0-9a-fA-F:]+\]):(\d{1,5})\/?$/;

/**
 * `host:port,host:port` (each optionally `redis://` or `rediss://host:port`); unset or blank →
 * undefined. A port outside 1–65535 or a mix of `rediss://` and plain nodes is refused.
 */
export const redisNodeList = z
  .string()
  .transform((value) => value.split(',').map((node) => node.trim()).filter((node) => node !== ''))
  .superRefine((nodes, context) => {
    const schemes = new Set<string>();
    for (const node of nodes) {
      const match = hostPort.exec(node);
      const port = Number(match?.[3]);
      if (match === null || port < 1 || port > 65535) {
        context.addIssue({ code: 'custom', message: `must be comma-separated host:port pairs (got "${node}")` });
        return;
      }
      schemes.add(match[1] === 'rediss' ? 'tls' : 'plain');
    }
    if (schemes.size > 1) context.addIssue({ code: 'custom', message: 'must give every node as rediss:// or none of them' });
  })
  .transform((nodes) => (nodes.length === 0 ? undefined : nodes))
  .optional();

/** Parses nodes checked by {@link redisNodeList}: their addresses, and whether they were `rediss://`. */
export function parseRedisNodes(nodes: readonly string[]): { addresses: RedisNodeAddress[]; tls: boolean } {
  let tls = false;
  const addresses = nodes.map((node) => {
    const match = hostPort.exec(node);
    if (match === null) throw new Error(`not a host:port: ${node}`);
    if (match[1] === 'rediss') tls = true;
    return { host: (match[2] ?? '').replace(/^\[|\]$/g, ''), port: Number(match[3]) };
  });
  return { addresses, tls };
}

/** The variables of the Redis target that {@link readRedisTarget} reads. */
export interface RedisTargetEnvironment {
  REDIS_URL?: string;
  REDIS_CLUSTER_NODES?: string[];
  REDIS_SENTINELS?: string[];
  REDIS_SENTINEL_NAME?: string;
  REDIS_PASSWORD?: string;
}

/** Problems with the Redis variables taken together (messages keyed by variable), for the schema's cross-checks. */
export function findRedisTargetProblems(env: RedisTargetEnvironment): Array<{ path: string; message: string }> {
  const set = REDIS_TARGET_VARIABLES.filter((name) => env[name] !== undefined);
  const problems: Array<{ path: string; message: string }> = [];
  if (set.length > 1) {
    problems.push({ path: set[1] ?? 'REDIS_URL', message: `cannot be combined with ${set[0]}: set only one of ${REDIS_TARGET_VARIABLES.join(', ')} (found ${set.join(', ')})` });
  }
  if (env.REDIS_SENTINELS !== undefined && env.REDIS_SENTINEL_NAME === undefined) {
    problems.push({ path: 'REDIS_SENTINEL_NAME', message: 'is required with REDIS_SENTINELS (the name of the primary the sentinels watch)' });
  }
  if (env.REDIS_SENTINEL_NAME !== undefined && env.REDIS_SENTINELS === undefined) {
    problems.push({ path: 'REDIS_SENTINEL_NAME', message: 'is only read with REDIS_SENTINELS' });
  }
  return problems;
}

/** The Redis target the (validated) environment names; undefined → in-memory state. */
export function readRedisTarget(env: RedisTargetEnvironment): RedisTarget | undefined {
  const password = env.REDIS_PASSWORD;
  if (env.REDIS_URL !== undefined) return { mode: 'redis-single', url: env.REDIS_URL };
  if (env.REDIS_CLUSTER_NODES !== undefined) {
    const { addresses, tls } = parseRedisNodes(env.REDIS_CLUSTER_NODES);
    return { mode: 'redis-cluster', nodes: addresses, tls, ...(password === undefined ? {} : { password }) };
  }
  if (env.REDIS_SENTINELS !== undefined) {
    const { addresses } = parseRedisNodes(env.REDIS_SENTINELS);
    return { mode: 'redis-sentinel', sentinels: addresses, name: env.REDIS_SENTINEL_NAME ?? '', ...(password === undefined ? {} : { password }) };
  }
  return undefined;
}

/** A one-line description of the target for logs (never the password). */
export function describeRedisTarget(target: RedisTarget, redactUrl: (url: string) => string): string {
  if (target.mode === 'redis-single') return redactUrl(target.url);
  const list = (target.mode === 'redis-cluster' ? target.nodes : target.sentinels).map((node) => `${node.host}:${node.port}`).join(',');
  return target.mode === 'redis-cluster' ? `cluster ${target.tls ? 'rediss' : 'redis'}://${list}` : `sentinels ${list} (primary "${target.name}")`;
}
