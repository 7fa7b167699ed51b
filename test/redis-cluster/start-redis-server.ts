import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

/** A redis-server (or sentinel) process started by a test, on loopback. */
export interface RedisServerProcess {
  port: number;
  /** Output so far, for a failure message. */
  output(): string;
  /** Ends the process (SIGTERM, then SIGKILL) and waits for it. */
  stop(): Promise<void>;
}

/** A free loopback port (bound to port 0, then let go); with `alsoFree`, one whose port + offset is free too. */
export async function findFreePort(busOffset?: number): Promise<number> {
  for (;;) {
    const port = await bindOnce(0);
    if (port > 55_000) continue;
    if (busOffset === undefined) return port;
    // Cluster nodes also listen on port + 10000 (the cluster bus).
    if ((await bindOnce(port + busOffset).catch(() => undefined)) !== undefined) return port;
  }
}

function bindOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * Starts `redis-server <args>` and waits until it answers PING. The process runs under a small
 * shell that ends it when the test process's pipe closes, so a killed test run leaves no
 * server behind.
 */
export async function startRedisServer(port: number, args: string[], label: string): Promise<RedisServerProcess> {
  const child: ChildProcess = spawn('bash', ['-c', 'redis-server "$@" & child=$!; read -r _ || true; kill -TERM $child 2>/dev/null; wait $child', label, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8_000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const handle: RedisServerProcess = {
    port,
    output: () => output,
    async stop() {
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    for (let tries = 0; ; tries += 1) {
      if (child.exitCode !== null) throw new Error(`${label} on port ${port} exited: ${output}`);
      try {
        await client.connect();
        await client.ping();
        return handle;
      } catch {
        client.disconnect();
        if (tries > 200) throw new Error(`${label} on port ${port} did not answer: ${output}`);
        await sleep(25);
      }
    }
  } catch (error) {
    await handle.stop();
    throw error;
  } finally {
    client.disconnect();
  }
}
