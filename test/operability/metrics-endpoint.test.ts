import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startCrewHarness, type CrewHarness } from '../e2e/crew-harness.js';
import { buildMentionEvent } from '../e2e/slack-event-builders.js';

// Issue 9, point 8: /metrics need not be public — its own port (METRICS_PORT), a bearer token
// (METRICS_TOKEN), or both.

const token = 'metrics-token-for-tests-0123456789';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function start(options: Parameters<typeof startCrewHarness>[0]): Promise<CrewHarness> {
  const harness = await startCrewHarness(options);
  cleanups.push(() => harness.close());
  return harness;
}

function scrape(port: number, headers: Record<string, string> = {}, path = '/metrics'): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}${path}`, { headers });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('METRICS_PORT and METRICS_TOKEN', () => {
  it('serves /metrics on METRICS_PORT only, behind the bearer token, and closes that port on shutdown', async () => {
    const harness = await start({ redis: false, env: { METRICS_PORT: '0', METRICS_TOKEN: token } });
    const metricsPort = harness.crew.metricsPort;
    expect(metricsPort).toBeGreaterThan(0);
    expect(metricsPort).not.toBe(harness.crew.port);

    // The main port (the one Slack reaches) no longer serves metrics; health and readiness stay.
    expect((await scrape(harness.crew.port, { authorization: `Bearer ${token}` })).status).toBe(404);
    expect((await scrape(harness.crew.port, {}, '/healthz')).status).toBe(200);
    expect((await scrape(harness.crew.port, {}, '/readyz')).status).toBe(200);

    const anonymous = await scrape(metricsPort!);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await anonymous.text()).not.toContain('crew_');
    expect((await scrape(metricsPort!, { authorization: `Bearer ${token}x` })).status).toBe(401);
    expect((await scrape(metricsPort!, { authorization: `Basic ${Buffer.from(`user:${token}`).toString('base64')}` })).status).toBe(401);

    const allowed = await scrape(metricsPort!, { authorization: `Bearer ${token}` });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain('# TYPE crew_turns_total counter');
    // Only /metrics lives there.
    expect((await scrape(metricsPort!, { authorization: `Bearer ${token}` }, '/healthz')).status).toBe(404);
    expect(harness.rawLogs()).not.toContain(token);

    await harness.stopCrew(500);
    expect(await canConnect(metricsPort!)).toBe(false);
  });

  it('with only METRICS_TOKEN, keeps /metrics on PORT and asks for the token there', async () => {
    const harness = await start({ redis: false, env: { METRICS_TOKEN: token } });
    expect(harness.crew.metricsPort).toBeUndefined();
    const anonymous = await scrape(harness.crew.port);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await scrape(harness.crew.port, { authorization: `bearer ${token}` })).status).toBe(200);
    // Slack's events are untouched by the metrics token.
    expect((await harness.postEvent(buildMentionEvent({ text: 'still answering?' }))).status).toBe(200);
  });

  it('in Socket Mode, moves /metrics to METRICS_PORT too', async () => {
    const harness = await start({ mode: 'socket', redis: false, env: { METRICS_PORT: '0' } });
    expect((await scrape(harness.crew.port)).status).toBe(404);
    expect((await scrape(harness.crew.port, {}, '/healthz')).status).toBe(200);
    const metrics = await scrape(harness.crew.metricsPort!);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('# TYPE crew_turns_total counter');
  });
});
