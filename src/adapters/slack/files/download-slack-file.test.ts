import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeInChunks } from '../../../../test/fakes/fake-slack-files.js';
import { downloadSlackFile } from './download-slack-file.js';

const token = 'xoxb-test-token';
const schema = 'CREATE TABLE orders (id bigint primary key, customer_id bigint not null);\n';

interface Served {
  server: Server;
  host: string;
  /** Bytes the server wrote for the last streamed body before the client went away. */
  lastStreamed: { written: number; total: number };
}

function streamChunks(res: ServerResponse, total: number, state: Served['lastStreamed']): void {
  state.written = 0;
  state.total = total;
  writeInChunks(res, Buffer.alloc(total, 0x61), (written) => (state.written = written));
}

async function listen(handler: (served: Served) => Parameters<typeof createServer>[1]): Promise<Served> {
  const served = { lastStreamed: { written: 0, total: 0 } } as Served;
  served.server = createServer(handler(served));
  await new Promise<void>((resolve) => served.server.listen(0, '127.0.0.1', resolve));
  served.host = `127.0.0.1:${(served.server.address() as AddressInfo).port}`;
  return served;
}

let slack: Served;
let elsewhere: Served;
let elsewhereHits = 0;

beforeAll(async () => {
  elsewhere = await listen(() => (_req, res) => {
    elsewhereHits += 1;
    res.end('not slack');
  });
  slack = await listen((served) => (req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`) {
      // Slack's real answer to a request without the token: a sign-in page, status 200.
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<html><body>Sign in to Slack</body></html>');
      return;
    }
    switch (req.url) {
      case '/files-pri/T1-F1/schema.sql':
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(schema) });
        res.end(schema);
        return;
      case '/files-pri/T1-F2/moved.sql':
        res.writeHead(302, { location: '/files-pri/T1-F1/schema.sql' });
        res.end();
        return;
      case '/files-pri/T1-F3/away.png':
        res.writeHead(302, { location: `http://${elsewhere.host}/steal` });
        res.end();
        return;
      case '/files-pri/T1-F4/huge.log':
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(50 * 1024 * 1024) });
        res.flushHeaders();
        return; // never sends the body: the client must refuse on the header alone
      case '/files-pri/T1-F5/undeclared.log':
        res.writeHead(200, { 'content-type': 'text/plain' });
        streamChunks(res, 50 * 1024 * 1024, served.lastStreamed);
        return;
      case '/files-pri/T1-F6/gone.sql':
        res.writeHead(404);
        res.end();
        return;
      default:
        res.writeHead(403);
        res.end();
    }
  });
});

afterAll(async () => {
  slack.server.closeAllConnections();
  elsewhere.server.closeAllConnections();
  await Promise.all([slack, elsewhere].map((s) => new Promise((resolve) => s.server.close(resolve))));
});

const url = (path: string): string => `http://${slack.host}${path}`;

describe('downloadSlackFile', () => {
  it('downloads a file with the bot token from an allowed host', async () => {
    const result = await downloadSlackFile({ url: url('/files-pri/T1-F1/schema.sql'), token, maxBytes: 1024, allowedHosts: [slack.host] });
    expect(result).toMatchObject({ ok: true, contentType: 'text/plain' });
    expect(result.ok && result.bytes.toString('utf8')).toBe(schema);
  });

  it('reads the sign-in page Slack serves without a valid token as no access', async () => {
    const result = await downloadSlackFile({ url: url('/files-pri/T1-F1/schema.sql'), token: 'xoxb-wrong', maxBytes: 1024, allowedHosts: [slack.host] });
    expect(result).toEqual({ ok: false, reason: 'no_access', status: 200 });
  });

  it('follows a redirect that stays on an allowed host', async () => {
    const result = await downloadSlackFile({ url: url('/files-pri/T1-F2/moved.sql'), token, maxBytes: 1024, allowedHosts: [slack.host] });
    expect(result.ok && result.bytes.toString('utf8')).toBe(schema);
  });

  it('refuses a redirect to another host without ever contacting it', async () => {
    const result = await downloadSlackFile({ url: url('/files-pri/T1-F3/away.png'), token, maxBytes: 1024, allowedHosts: [slack.host] });
    expect(result).toEqual({ ok: false, reason: 'foreign_host' });
    expect(elsewhereHits).toBe(0);
  });

  it('never fetches a URL whose host is not on the list', async () => {
    const result = await downloadSlackFile({ url: `http://${elsewhere.host}/files-pri/x`, token, maxBytes: 1024, allowedHosts: [slack.host] });
    expect(result).toEqual({ ok: false, reason: 'foreign_host' });
    expect(elsewhereHits).toBe(0);
    const plainHttp = await downloadSlackFile({ url: 'http://files.slack.com/files-pri/x', token, maxBytes: 1024 });
    expect(plainHttp).toEqual({ ok: false, reason: 'foreign_host' });
  });

  it('refuses a file whose declared length is over the limit before reading its body', async () => {
    const result = await downloadSlackFile({ url: url('/files-pri/T1-F4/huge.log'), token, maxBytes: 1024 * 1024, allowedHosts: [slack.host] });
    expect(result).toEqual({ ok: false, reason: 'too_large' });
  });

  it('stops reading an undeclared body as soon as it passes the limit', async () => {
    const result = await downloadSlackFile({ url: url('/files-pri/T1-F5/undeclared.log'), token, maxBytes: 1024 * 1024, allowedHosts: [slack.host] });
    expect(result).toEqual({ ok: false, reason: 'too_large' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The server got to write a few socket buffers past the limit, never the whole 50 MB.
    expect(slack.lastStreamed.written).toBeLessThan(slack.lastStreamed.total / 4);
  });

  it('names a deleted file as not found', async () => {
    const result = await downloadSlackFile({ url: url('/files-pri/T1-F6/gone.sql'), token, maxBytes: 1024, allowedHosts: [slack.host] });
    expect(result).toEqual({ ok: false, reason: 'not_found', status: 404 });
  });
});
