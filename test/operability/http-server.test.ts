import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, type ReadinessCheck } from '../../src/adapters/http/create-http-server.js';
import type { Logger } from '../../src/core/shared/ports.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

/** Records `level message {context}` lines, so a test can see what reached the log. */
function recordingLogger(lines: string[]): Logger {
  const record = (level: string) => (context: Record<string, unknown>, message: string) =>
    void lines.push(`${level} ${message} ${JSON.stringify(context)}`);
  const logger: Logger = { debug: () => undefined, info: record('info'), warn: record('warn'), error: record('error'), child: () => logger };
  return logger;
}

async function serve(readiness: Record<string, ReadinessCheck>, lines: string[] = []): Promise<string> {
  const server = createHttpServer({ logger: recordingLogger(lines), clock: { now: () => Date.now() }, readiness, readinessTimeoutMs: 50 });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('createHttpServer readiness', () => {
  it('names the failing checks publicly and logs why; a throwing or hanging check fails too', async () => {
    const lines: string[] = [];
    const origin = await serve(
      {
        store: async () => ({ ok: true }),
        slack: async () => ({ ok: false, reason: 'Slack auth.test failed: invalid_auth' }),
        agents: async () => {
          throw new Error('agents folder vanished');
        },
        slow: () => new Promise(() => undefined),
      },
      lines,
    );
    const response = await fetch(`${origin}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'not ready',
      failing: ['slack', 'agents', 'slow'],
      checks: { store: 'ok', slack: 'failing', agents: 'failing', slow: 'failing' },
    });
    // The reasons are for operators: in the log, not for whoever can reach the port.
    const notReady = lines.filter((line) => line.startsWith('warn not ready '));
    expect(notReady).toHaveLength(1);
    expect(notReady[0]).toContain('Slack auth.test failed: invalid_auth');
    expect(notReady[0]).toContain('agents folder vanished');
    expect(notReady[0]).toContain('check did not finish within 50 ms');
    // Probes repeat every few seconds: the state is logged when it changes, not on every probe.
    await fetch(`${origin}/readyz`);
    expect(lines.filter((line) => line.startsWith('warn not ready '))).toHaveLength(1);
  });

  it('answers /healthz 200 regardless of readiness, and 404 elsewhere', async () => {
    const origin = await serve({ store: async () => ({ ok: false, reason: 'down' }) });
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    expect((await fetch(`${origin}/readyz`)).status).toBe(503);
    expect((await fetch(`${origin}/nope`)).status).toBe(404);
  });
});
