import { createServer, type RequestListener, type Server } from 'node:http';

/**
 * A `node:http` server whose requests must arrive whole — headers and body — within
 * `requestTimeoutMs`; Node answers a late one 408 and closes the connection. Node checks these
 * deadlines on an interval (30 s by default, longer than the timeout itself), so the interval
 * is tightened to a quarter of the timeout, at most 1 s.
 */
export function createBoundedServer(listener: RequestListener, requestTimeoutMs: number): Server {
  return createServer(
    {
      headersTimeout: requestTimeoutMs,
      requestTimeout: requestTimeoutMs,
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(requestTimeoutMs / 4))),
    },
    listener,
  );
}
