import type { CallBudget, CallRate } from '../../core/quota/ports.js';
import type { Logger } from '../../core/shared/ports.js';
import { sleep } from '../../core/shared/sleep.js';

/** A paced method: its rate, and whether Slack counts it per workspace or per channel. */
export interface PacedMethod extends CallRate {
  per: 'workspace' | 'channel';
}

/**
 * Slack's published limits (per method, per workspace, per app) with headroom. Methods not
 * listed are not paced: `chat.startStream` carries every answer's first words, which must go
 * out at once, and `chat.stopStream` happens once per message.
 */
export function defaultPacedMethods(streamCallsPerMinute: number): Record<string, PacedMethod> {
  return {
    // Tier 4 (100+ a minute, bursts tolerated).
    'chat.appendStream': { perMinute: streamCallsPerMinute, burst: Math.max(1, Math.round(streamCallsPerMinute / 5)), per: 'workspace' },
    // Tier 3 (50+ a minute): the post-and-update fallback.
    'chat.update': { perMinute: 45, burst: 10, per: 'workspace' },
    // About one message a second per channel, short bursts allowed.
    'chat.postMessage': { perMinute: 50, burst: 5, per: 'channel' },
  };
}

/** Options of {@link SlackCallPacing}. */
export interface SlackCallPacingOptions {
  budget: CallBudget;
  methods: Record<string, PacedMethod>;
  now: () => number;
  logger: Logger;
  /** A call waited `seconds` for its slot (metrics: `crew_slack_budget_wait_seconds`). */
  onWait?: (method: string, seconds: number) => void;
}

/**
 * Keeps the whole fleet inside Slack's per-workspace quotas: before a paced call, the caller
 * reserves the next slot of its workspace's (or channel's) budget, shared by every replica, and
 * waits for it. With many answers streaming at once each one's updates simply come further
 * apart, carrying more text each; nothing is dropped. When the budget cannot be reached (Redis
 * down) the call goes at once: Slack's own `ratelimited` answer is still honoured by `callSlack`.
 */
export class SlackCallPacing {
  constructor(private readonly options: SlackCallPacingOptions) {}

  /** Whether `method` is paced at all. */
  paces(method: string): boolean {
    return method in this.options.methods;
  }

  /**
   * Waits for the next slot of `method` in this workspace (or channel). `signal` ends the wait
   * early (the answer is closing: its last words ride on the stop); resolves false then.
   */
  async pace(place: { teamId: string; channelId: string }, method: string, signal?: AbortSignal): Promise<boolean> {
    const rule = this.options.methods[method];
    if (!rule) return true;
    const scope = rule.per === 'channel' ? `${place.teamId}:${place.channelId}:${method}` : `${place.teamId}:${method}`;
    let waitMs = 0;
    try {
      waitMs = await this.options.budget.reserve(scope, rule, this.options.now());
    } catch (error) {
      this.options.logger.debug({ err: error, method }, 'Slack call budget unreachable; calling without pacing');
      return true;
    }
    this.options.onWait?.(method, waitMs / 1000);
    return waitMs > 0 ? sleep(waitMs, signal) : true;
  }
}
