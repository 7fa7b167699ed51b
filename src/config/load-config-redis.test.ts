import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { loadConfig } from './load-config.js';

const base = { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: 'signing-secret', ANTHROPIC_API_KEY: 'sk-ant-test' };

function problemsOf(environment: Record<string, string>): string[] {
  try {
    loadConfig({ ...base, ...environment });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig: the Redis connection (issue 13, point 2)', () => {
  it('reads REDIS_URL as a single node, and no Redis variable as memory', () => {
    expect(loadConfig({ ...base, REDIS_URL: 'redis://127.0.0.1:6379' }).redis).toEqual({ mode: 'redis-single', url: 'redis://127.0.0.1:6379' });
    expect(loadConfig(base).redis).toBeUndefined();
  });

  it('reads REDIS_CLUSTER_NODES as cluster start nodes, with REDIS_PASSWORD, and TLS for rediss:// nodes', () => {
    expect(loadConfig({ ...base, REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7001', REDIS_PASSWORD: 'hunter2' }).redis).toEqual({
      mode: 'redis-cluster',
      nodes: [{ host: '10.0.0.1', port: 7000 }, { host: '10.0.0.2', port: 7001 }],
      tls: false,
      password: 'hunter2',
    });
    expect(loadConfig({ ...base, REDIS_CLUSTER_NODES: 'rediss://cache.example.com:6380' }).redis).toEqual({
      mode: 'redis-cluster',
      nodes: [{ host: 'cache.example.com', port: 6380 }],
      tls: true,
    });
  });

  it('reads REDIS_SENTINELS with REDIS_SENTINEL_NAME', () => {
    expect(loadConfig({ ...base, REDIS_SENTINELS: '10.0.0.1:26379,10.0.0.2:26379', REDIS_SENTINEL_NAME: 'mymaster' }).redis).toEqual({
      mode: 'redis-sentinel',
      sentinels: [{ host: '10.0.0.1', port: 26379 }, { host: '10.0.0.2', port: 26379 }],
      name: 'mymaster',
    });
  });

  it('refuses more than one of REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS, naming them', () => {
    const problems = problemsOf({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLUSTER_NODES: '127.0.0.1:7000' });
    expect(problems).toEqual([expect.stringMatching(/^REDIS_CLUSTER_NODES cannot be combined with REDIS_URL: set only one of REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS \(found REDIS_URL, REDIS_CLUSTER_NODES\)/)]);
  });

  it('refuses REDIS_SENTINELS without a name, malformed nodes, and a mix of rediss:// and plain nodes', () => {
    expect(problemsOf({ REDIS_SENTINELS: '127.0.0.1:26379' })).toEqual([expect.stringMatching(/^REDIS_SENTINEL_NAME is required with REDIS_SENTINELS/)]);
    expect(problemsOf({ REDIS_CLUSTER_NODES: '127.0.0.1' })).toEqual([expect.stringMatching(/^REDIS_CLUSTER_NODES must be comma-separated host:port pairs \(got "127.0.0.1"\)/)]);
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'rediss://a:1,b:2' })).toEqual([expect.stringMatching(/^REDIS_CLUSTER_NODES must give every node as rediss:\/\/ or none of them/)]);
  });
});
