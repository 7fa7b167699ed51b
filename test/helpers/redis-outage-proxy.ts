import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A TCP proxy in front of the test Redis that a test can cut and restore (the real Redis keeps running). */
export interface RedisOutageProxy {
  /** Port the proxy listens on (the same across stop/start). */
  readonly port: number;
  /** `redis://127.0.0.1:<port>` — give this to the crew as REDIS_URL. */
  readonly url: string;
  /** True while the proxy accepts connections. */
  isUp(): boolean;
  /** Simulates Redis going away: destroys every proxied connection and stops listening. */
  stop(): Promise<void>;
  /** Redis is back: listens again on the same port. */
  start(): Promise<void>;
  /** Stops for good. */
  close(): Promise<void>;
}

/** Options of {@link startRedisOutageProxy}. */
export interface RedisOutageProxyOptions {
  /** Where the real Redis listens (default 127.0.0.1:6379). */
  targetHost?: string;
  targetPort?: number;
  /** Start in the "Redis is down" state (the port is reserved but nothing listens). */
  startDown?: boolean;
}

/**
 * Starts a loopback TCP proxy that forwards every connection to the real Redis. `stop()`
 * behaves like Redis dying (connections reset, connects refused); `start()` like it coming
 * back on the same address. Only connections made through the proxy are affected.
 */
export async function startRedisOutageProxy(options: RedisOutageProxyOptions = {}): Promise<RedisOutageProxy> {
  const targetHost = options.targetHost ?? '127.0.0.1';
  const targetPort = options.targetPort ?? Number(new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').port || 6379);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;

  function track(socket: Socket): void {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A reset while the test cuts the link is expected; never let it surface as an uncaught error.
    socket.on('error', () => socket.destroy());
  }

  function listen(onPort: number): Promise<void> {
    const next = createServer((client) => {
      const upstream = connect(targetPort, targetHost);
      track(client);
      track(upstream);
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    return new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(onPort, '127.0.0.1', () => {
        next.off('error', reject);
        server = next;
        port = (next.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  async function stop(): Promise<void> {
    const current = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  }

  await listen(0);
  if (options.startDown) await stop();

  return {
    get port() {
      return port;
    },
    get url() {
      return `redis://127.0.0.1:${port}`;
    },
    isUp: () => server !== undefined,
    stop,
    async start() {
      if (server) return;
      await listen(port);
    },
    close: stop,
  };
}
