import { afterAll, describe, expect, it } from 'vitest';
import { startCrewHarness } from '../e2e/crew-harness.js';
import { buildMentionEvent } from '../e2e/slack-event-builders.js';
import { startFakeAnthropicApi } from '../fakes/fake-anthropic-api.js';
import { startFakeSlackApi } from '../fakes/fake-slack-api.js';
import { scrapeMetrics } from './scrape-metrics.js';

interface Readiness {
  status: string;
  failing?: string[];
  checks: Record<string, string>;
}

async function getJson(port: number, path: string): Promise<{ status: number; body: Readiness }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: (await response.json()) as Readiness };
}

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** The `not ready` log line that lists `check` among the failing ones (the reasons are logged, not served). */
function notReadyReason(logs: Array<Record<string, unknown>>, check: string): string | undefined {
  const line = logs.findLast((entry) => entry.msg === 'not ready' && (entry.failing as string[] | undefined)?.includes(check));
  return (line?.checks as Record<string, string> | undefined)?.[check];
}

describe('GET /readyz', () => {
  it('is 200 with every check ok when Redis, the agents and the Slack token are fine', async () => {
    const harness = await startCrewHarness();
    cleanups.push(() => harness.close());
    const ready = await getJson(harness.crew.port, '/readyz');
    expect(ready).toEqual({ status: 200, body: { status: 'ready', store: 'redis-single', checks: { store: 'ok', agents: 'ok', slack: 'ok' } } });
  });

  it('starts without Redis: /healthz 200, /readyz 503 naming the store (the log says why), and Slack gets a 5xx to retry', async () => {
    // Port 1: nothing listens there, so every connect is refused.
    const harness = await startCrewHarness({ redis: false, env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    cleanups.push(() => harness.close());
    expect((await fetch(`http://127.0.0.1:${harness.crew.port}/healthz`)).status).toBe(200);

    const ready = await getJson(harness.crew.port, '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: 'not ready', failing: ['store'], store: 'redis-single', checks: { store: 'failing', agents: 'ok', slack: 'ok' } });
    // Hosts and error text are for the log, not for whoever can reach the port.
    expect(notReadyReason(harness.logs, 'store')).toMatch(/^Redis at redis:\/\/127\.0\.0\.1:1 is unreachable: .*ECONNREFUSED/);
    expect(JSON.stringify(ready.body)).not.toMatch(/127\.0\.0\.1|redis:|ECONNREFUSED/);

    // A question cannot be queued: Slack is answered with an error so it redelivers later.
    const response = await harness.postEvent(buildMentionEvent({ text: 'is anyone there?' }));
    expect(response.status).toBeGreaterThanOrEqual(500);
    expect((await fetch(`http://127.0.0.1:${harness.crew.port}/metrics`)).status).toBe(200);
  });

  it('reports a rejected Slack token (auth.test invalid_auth) with the variable to fix, and recovers once Slack accepts it', async () => {
    const slack = await startFakeSlackApi();
    const anthropic = await startFakeAnthropicApi();
    cleanups.push(async () => {
      await slack.close();
      await anthropic.close();
    });
    slack.failNext('auth.test', { error: 'invalid_auth' });
    const harness = await startCrewHarness({ redis: false, shared: { slack, anthropic } });
    cleanups.push(() => harness.close());

    const ready = await getJson(harness.crew.port, '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: 'not ready', failing: ['slack'], store: 'memory', checks: { store: 'ok', agents: 'ok', slack: 'failing' } });
    expect(notReadyReason(harness.logs, 'slack')).toContain('invalid_auth');
    expect(notReadyReason(harness.logs, 'slack')).toContain('SLACK_BOT_TOKEN');
    expect((await scrapeMetrics(harness.crew.port)).value('crew_slack_api_errors_total', { method: 'auth.test', code: 'invalid_auth' })).toBe(1);

    // Bolt alone would have cached that failed auth.test forever; the crew asks again and answers.
    anthropic.enqueueReply({ text: 'Back in business.' });
    const event = buildMentionEvent({ text: 'are you there?' });
    expect((await harness.postEvent(event)).status).toBe(200);
    const reply = await slack.waitFor(() => slack.messagesIn('C111', event.event.ts).find((message) => message.isBot && !message.isStreaming));
    expect(reply.text).toBe('Back in business.');
    expect(await getJson(harness.crew.port, '/readyz')).toMatchObject({ status: 200, body: { status: 'ready' } });
  });

  it('does not crash when Slack is unreachable at start, and says so', async () => {
    const slack = await startFakeSlackApi();
    const anthropic = await startFakeAnthropicApi();
    cleanups.push(async () => {
      await slack.close();
      await anthropic.close();
    });
    slack.failNext('auth.test', { httpStatus: 503 }, 5);
    const harness = await startCrewHarness({ redis: false, shared: { slack, anthropic } });
    cleanups.push(() => harness.close());
    const ready = await getJson(harness.crew.port, '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.failing).toEqual(['slack']);
    expect(ready.body.checks.slack).toBe('failing');
    expect(notReadyReason(harness.logs, 'slack')).toMatch(/^Slack auth\.test (failed|did not answer)/);
    expect((await fetch(`http://127.0.0.1:${harness.crew.port}/healthz`)).status).toBe(200);
  });

  it('reports shutting down as not ready while draining', async () => {
    const harness = await startCrewHarness({ redis: false });
    cleanups.push(() => harness.close());
    harness.anthropic.enqueueReply({ text: 'slow answer', firstTokenDelayMs: 400 });
    const event = buildMentionEvent({ text: 'a slow one' });
    await harness.postEvent(event);
    await harness.slack.waitFor(() => harness.slack.callsTo('assistant.threads.setStatus').length > 0);
    const stopping = harness.stopCrew(3000);
    const ready = await getJson(harness.crew.port, '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.failing).toContain('shutdown');
    expect(ready.body.checks.shutdown).toBe('draining');
    await stopping;
  });
});
