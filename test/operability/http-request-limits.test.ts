import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../src/adapters/http/create-http-server.js';
import { MAX_BODY_BYTES, type RequestLimits } from '../../src/adapters/http/request-limits.js';
import type { Logger } from '../../src/core/shared/ports.js';
import { waitFor } from '../fakes/wait-for.js';
import { openRawHttp, slackPostHead, type RawHttpClient } from './raw-http-client.js';

// Issue 9, point 4: what an unauthenticated sender can make the process hold — body size, time,
// and how many bodies at once — is bounded before Bolt (and its signature check) sees anything.

interface Served {
  port: number;
  server: Server;
  /** Bodies that reached the Slack listener (Bolt in production), as received. */
  delivered: Buffer[];
  logs: Array<{ message: string; context: Record<string, unknown> }>;
}

const servers: Server[] = [];
const clients: RawHttpClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.socket.destroy();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(limits: Partial<RequestLimits> = {}): Promise<Served> {
  const delivered: Buffer[] = [];
  const logs: Served['logs'] = [];
  const record = (context: Record<string, unknown>, message: string) => void logs.push({ message, context });
  const logger: Logger = { debug: record, info: record, warn: record, error: record, child: () => logger };
  // Stands in for Bolt's listener: Bolt reads `rawBody` when it is already there.
  const slackRequestListener = (request: IncomingMessage, response: ServerResponse) => {
    delivered.push((request as IncomingMessage & { rawBody: Buffer }).rawBody);
    response.writeHead(200).end();
  };
  const server = createHttpServer({ logger, clock: { now: () => Date.now() }, readiness: {}, slackRequestListener, limits });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, server, delivered, logs };
}

async function open(port: number, head: string): Promise<RawHttpClient> {
  const client = await openRawHttp(port, head);
  clients.push(client);
  return client;
}

/** Counts requests whose headers the server has parsed, and those closed (the crew's own listeners run first). */
function countRequests(server: Server): { received: () => number; closed: () => number } {
  let received = 0;
  let closed = 0;
  server.on('request', (request: IncomingMessage) => {
    received += 1;
    request.once('close', () => void (closed += 1));
  });
  return { received: () => received, closed: () => closed };
}

describe('request size', () => {
  it('answers 413 to a Content-Length above 1 MB while the client has sent only the headers', async () => {
    const { port, delivered } = await serve();
    const client = await open(port, slackPostHead({ 'Content-Length': MAX_BODY_BYTES + 1 }));
    const response = await client.response;
    expect(response.status).toBe(413);
    expect(response.headers.connection).toBe('close');
    // Not one body byte was sent, so the server answered without waiting for (or reading) it.
    expect(client.sentBytes()).toBe(Buffer.byteLength(slackPostHead({ 'Content-Length': MAX_BODY_BYTES + 1 })));
    await client.closed;
    expect(delivered).toEqual([]);
  });

  it('answers 413 to a chunked body the moment it grows past 1 MB, having kept no more than a read of it', async () => {
    const { port, delivered, logs } = await serve();
    const client = await open(port, slackPostHead({ 'Transfer-Encoding': 'chunked' }));
    const chunk = Buffer.alloc(16 * 1024, 'a');
    let answered = false;
    void client.response.then(() => (answered = true), () => (answered = true));
    // Keep sending, a chunk at a time, until the server answers; 4 MB is far past the cap.
    while (!answered && client.sentBytes() < 4 * MAX_BODY_BYTES) {
      await client.write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await client.response).status).toBe(413);
    await client.closed;
    const refusal = logs.find((line) => line.message === 'refused a Slack request: body too large');
    expect(refusal?.context.limitBytes).toBe(MAX_BODY_BYTES);
    // Counted as it streamed: reading stopped within one socket read (64 KB) past the cap.
    expect(Number(refusal?.context.receivedBytes)).toBeGreaterThan(MAX_BODY_BYTES);
    expect(Number(refusal?.context.receivedBytes)).toBeLessThanOrEqual(MAX_BODY_BYTES + 64 * 1024);
    expect(delivered).toEqual([]);
  });

  it('hands a body within the limit to Slack\'s listener whole, chunked or not', async () => {
    const { port, delivered } = await serve();
    const body = JSON.stringify({ type: 'event_callback', event: { text: 'x'.repeat(200_000) } });
    const plain = await open(port, `${slackPostHead({ 'Content-Length': Buffer.byteLength(body) })}${body}`);
    expect((await plain.response).status).toBe(200);
    const chunked = await open(port, slackPostHead({ 'Transfer-Encoding': 'chunked' }));
    await chunked.write(`${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`);
    expect((await chunked.response).status).toBe(200);
    expect(delivered.map((buffer) => buffer.toString('utf8'))).toEqual([body, body]);
  });
});

describe('request time', () => {
  it('answers 408 and closes a connection whose body stalls after the headers', async () => {
    const { port, delivered } = await serve({ requestTimeoutMs: 200 });
    const client = await open(port, `${slackPostHead({ 'Content-Length': 1000 })}{"type":`);
    expect((await client.response).status).toBe(408);
    await client.closed;
    expect(delivered).toEqual([]);
  });

  it('closes a connection whose headers never finish (Node answers 408)', async () => {
    const { port } = await serve({ requestTimeoutMs: 200 });
    const client = await open(port, 'POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: appl');
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
  });
});

describe('bodies in flight', () => {
  it('answers 503 with Retry-After beyond the cap of unverified bodies, and takes requests again once one finishes', async () => {
    const { port, server, delivered } = await serve({ maxUnverifiedBodies: 2 });
    const { received } = countRequests(server);
    const slow = [
      await open(port, `${slackPostHead({ 'Content-Length': 19 })}{"slow":`),
      await open(port, `${slackPostHead({ 'Content-Length': 19 })}{"slow":`),
    ];
    await waitFor(() => received() === 2);

    const refused = await open(port, `${slackPostHead({ 'Content-Length': 2 })}{}`);
    const refusal = await refused.response;
    expect(refusal.status).toBe(503);
    expect(refusal.headers['retry-after']).toBe('1');

    // One slow body completes (11 more bytes): its slot frees, and the next request is taken.
    await slow[0]!.write('"finished"}');
    expect((await slow[0]!.response).status).toBe(200);
    const next = await open(port, `${slackPostHead({ 'Content-Length': 2 })}{}`);
    expect((await next.response).status).toBe(200);
    expect(delivered.map((buffer) => buffer.toString('utf8'))).toEqual(['{"slow":"finished"}', '{}']);
  });

  it('frees the slot of a client that goes away mid-body', async () => {
    const { port, server, delivered } = await serve({ maxUnverifiedBodies: 1 });
    const requests = countRequests(server);
    const quitter = await open(port, `${slackPostHead({ 'Content-Length': 20 })}{"gone`);
    await waitFor(() => requests.received() === 1);
    quitter.socket.destroy();
    await waitFor(() => requests.closed() === 1);
    const next = await open(port, `${slackPostHead({ 'Content-Length': 2 })}{}`);
    expect((await next.response).status).toBe(200);
    expect(delivered.map((buffer) => buffer.toString('utf8'))).toEqual(['{}']);
  });
});
