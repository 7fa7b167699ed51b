import type { ServerResponse } from 'node:http';
import type { Logger } from '../../core/shared/ports.js';
import { sendJson } from './send-json.js';

/** A readiness check: resolves ok or with the reason it is not ready (the reason goes to the log only). */
export type ReadinessCheck = () => Promise<{ ok: true } | { ok: false; reason: string }>;

/** Options of {@link createReadinessReporter}. */
export interface ReadinessOptions {
  logger: Logger;
  /** Named checks; the names are public, the reasons are not. */
  checks: Record<string, ReadinessCheck>;
  /** Facts added to every answer as they are (e.g. the store's mode: `redis-cluster`); public. */
  info?: Record<string, string>;
  /** While draining for shutdown, readiness fails on `shutdown`. */
  isDraining?: () => boolean;
  /** A check that takes longer than this counts as failed. */
  timeoutMs: number;
}

/** Runs one check, bounded in time; a throw or a timeout is a failure with a reason. */
async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<{ ok: true } | { ok: false; reason: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ ok: false; reason: string }>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: `check did not finish within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([check(), timeout]);
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : 'check failed' };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/readyz`: 200 `{status:'ready', checks}` or 503 `{status:'not ready', failing, checks}`, where
 * `checks` maps each check's name to `ok` or `failing` (`shutdown`: `draining`). Why a check fails (a Redis host, an error
 * text) goes to the log, not to whoever can reach the port; it is logged when the state changes,
 * not on every probe.
 */
export function createReadinessReporter(options: ReadinessOptions): (response: ServerResponse) => Promise<void> {
  let lastFailing = '';
  return async (response) => {
    const reasons: Record<string, string> = {};
    if (options.isDraining?.()) reasons.shutdown = 'draining: this process is shutting down';
    const results = await Promise.all(
      Object.entries(options.checks).map(async ([name, check]) => [name, await runCheck(check, options.timeoutMs)] as const),
    );
    // `draining` is a state, not a detail of the infrastructure: safe to say publicly.
    const checks: Record<string, 'ok' | 'failing' | 'draining'> = {};
    if (reasons.shutdown !== undefined) checks.shutdown = 'draining';
    for (const [name, result] of results) {
      checks[name] = result.ok ? 'ok' : 'failing';
      if (!result.ok) reasons[name] = result.reason;
    }
    const failing = Object.keys(reasons);
    const ready = failing.length === 0;
    const summary = failing.map((name) => `${name}: ${reasons[name]}`).join('; ');
    if (summary !== lastFailing) {
      if (ready) options.logger.info({}, 'ready');
      else options.logger.warn({ failing, checks: reasons }, 'not ready');
      lastFailing = summary;
    }
    const info = options.info ?? {};
    sendJson(response, ready ? 200 : 503, ready ? { status: 'ready', ...info, checks } : { status: 'not ready', failing, ...info, checks });
  };
}
