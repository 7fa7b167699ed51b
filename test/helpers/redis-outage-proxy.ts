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
  /**
   * Lets the first command whose bytes contain `marker` through and its reply back, then holds
   * every later command on every connection (nothing more reaches Redis) until `thaw()` or
   * `stop()`. Resolves when the reply went back: the moment to kill the process or cut the link.
   */
  freezeAfter(marker: string): Promise<void>;
  /** Holds every command from now on, on every connection (as `freezeAfter` does once its marker passed). */
  freeze(): void;
  /** Forwards what was held (and everything after), as if nothing happened. */
  thaw(): void;
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
  /** A freeze waiting for its marker, then for that command's reply. */
  let freeze: { marker: string; seenOn?: Socket; resolve: () => void } | undefined;
  let frozen = false;
  const held: Array<{ upstream: Socket; data: Buffer }> = [];

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
      client.on('data', (data: Buffer) => {
        if (frozen) {
          held.push({ upstream, data });
          return;
        }
        if (freeze && !freeze.seenOn && data.toString('latin1').includes(freeze.marker)) freeze.seenOn = upstream;
        upstream.write(data);
      });
      upstream.on('data', (data: Buffer) => {
        client.write(data);
        if (freeze?.seenOn === upstream) {
          frozen = true;
          const { resolve } = freeze;
          freeze = undefined;
          resolve();
        }
      });
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
    held.length = 0;
    frozen = false;
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
    freeze: () => {
      frozen = true;
    },
    stop,
    async start() {
      if (server) return;
      await listen(port);
    },
    freezeAfter(marker) {
      return new Promise<void>((resolve) => {
        freeze = { marker, resolve };
      });
    },
    thaw() {
      frozen = false;
      for (const { upstream, data } of held.splice(0)) if (!upstream.destroyed) upstream.write(data);
    },
    close: stop,
  };
}
