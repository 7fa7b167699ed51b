import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeModelApi } from '../../src/adapters/anthropic/probe-model-api.js';
import { startCrewHarness, type CrewHarness } from '../e2e/crew-harness.js';
import { startFakeAnthropicApi } from '../fakes/fake-anthropic-api.js';
import { waitFor } from '../fakes/wait-for.js';
import { createRecordingLogger } from '../helpers/test-fixtures.js';

// Issue 14, point 5: when Slack or the model API cannot be reached at start, the log says which
// host and why, once, then the crew keeps trying with backoff.

/** A loopback TCP server that accepts connections and cuts each at once, counting them. */
async function startCuttingServer(): Promise<{ server: Server; port: number; connections: () => number }> {
  let count = 0;
  const server = createTcpServer((socket: Socket) => {
    count += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port, connections: () => count };
}

async function findClosedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('start-up log when Slack and the model API cannot be reached', { timeout: 30_000 }, () => {
  let harness: CrewHarness;
  let slackSide: Awaited<ReturnType<typeof startCuttingServer>>;
  let modelSide: Awaited<ReturnType<typeof startCuttingServer>>;
  beforeAll(async () => {
    slackSide = await startCuttingServer();
    modelSide = await startCuttingServer();
    harness = await startCrewHarness({
      redis: false,
      env: { LOG_LEVEL: 'info', SLACK_API_URL: `http://127.0.0.1:${slackSide.port}/api/`, ANTHROPIC_BASE_URL: `http://127.0.0.1:${modelSide.port}` },
    });
  });
  afterAll(async () => {
    await harness.close();
    slackSide.server.close();
    modelSide.server.close();
  });

  it('names the host and why for each, logs it once, and keeps trying with backoff', async () => {
    const slackHost = `127.0.0.1:${slackSide.port}`;
    const modelHost = `127.0.0.1:${modelSide.port}`;
    // The probes try again after 1 s, 2 s …: wait for a second try of each.
    await waitFor(() => modelSide.connections() >= 2, { timeoutMs: 15_000 });
    const slackFirstTry = await waitFor(() => slackSide.connections() || undefined, { timeoutMs: 15_000 });
    await waitFor(() => slackSide.connections() > slackFirstTry + 2, { timeoutMs: 15_000 });

    const slackLines = harness.logs.filter((line) => line.component === 'slack-auth' && line.level === 'error');
    expect(slackLines).toHaveLength(1);
    expect(slackLines[0]).toMatchObject({ host: slackHost, reason: 'reset' });
    expect(String(slackLines[0]?.msg)).toContain(`cannot reach ${slackHost}: the connection was reset`);

    const modelLines = harness.logs.filter((line) => line.component === 'model-api' && line.level === 'error');
    expect(modelLines).toHaveLength(1);
    expect(modelLines[0]).toMatchObject({ host: modelHost, code: 'model_unreachable', reason: 'reset' });
    expect(String(modelLines[0]?.msg)).toContain(`cannot reach the model API at start: Could not connect to ${modelHost}`);
    expect(String(modelLines[0]?.msg)).toContain('retrying in the background with backoff');
  });
});

describe('probeModelApi', { timeout: 15_000 }, () => {
  it('says refused, DNS and TLS apart, with the host', async () => {
    const plain = createHttpServer((_request, response) => response.end('plain'));
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const plainPort = (plain.address() as { port: number }).port;
    const closedPort = await findClosedPort();
    try {
      const cases = [
        { baseUrl: `http://127.0.0.1:${closedPort}`, host: `127.0.0.1:${closedPort}`, reason: 'refused' },
        { baseUrl: 'http://crew-probe.invalid', host: 'crew-probe.invalid', reason: 'dns' },
        { baseUrl: `https://127.0.0.1:${plainPort}`, host: `127.0.0.1:${plainPort}`, reason: 'tls' },
      ];
      for (const { baseUrl, host, reason } of cases) {
        const logger = createRecordingLogger();
        const probe = probeModelApi({ apiKey: 'sk-ant-probe', baseUrl, logger, initialDelayMs: 10_000 });
        const line = await waitFor(() => logger.entries.find((entry) => entry.level === 'error'));
        probe.stop();
        await probe.done;
        expect(line.context).toMatchObject({ host, reason });
        expect(line.message).toContain(`Could not connect to ${host} (${reason}`);
      }
    } finally {
      plain.close();
    }
  });

  it('logs "reachable again" once the API answers, and a rejected key once without retrying', async () => {
    const anthropic = await startFakeAnthropicApi({ apiKey: 'sk-ant-right' });
    try {
      const logger = createRecordingLogger();
      const probe = probeModelApi({ apiKey: 'sk-ant-wrong', baseUrl: anthropic.url, logger });
      await probe.done;
      expect(logger.entries).toEqual([expect.objectContaining({ level: 'error', context: expect.objectContaining({ status: 401, code: 'model_auth_failed' }) })]);

      const good = createRecordingLogger();
      const ok = probeModelApi({ apiKey: 'sk-ant-right', baseUrl: anthropic.url, logger: good });
      await ok.done;
      expect(good.entries).toEqual([expect.objectContaining({ level: 'info', message: 'model API reachable' })]);
    } finally {
      await anthropic.close();
    }
  });
});
