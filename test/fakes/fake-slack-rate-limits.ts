/** A method's limit as Slack enforces it: a rate per minute with a burst allowance. */
export interface FakeRateLimit {
  perMinute: number;
  burst: number;
}

/** Slack's rate tiers (docs.slack.dev "Rate limits"): calls per minute, per method, per workspace, per app. */
export const SLACK_TIERS: Record<'tier1' | 'tier2' | 'tier3' | 'tier4', FakeRateLimit> = {
  tier1: { perMinute: 1, burst: 1 },
  tier2: { perMinute: 20, burst: 5 },
  tier3: { perMinute: 50, burst: 10 },
  tier4: { perMinute: 100, burst: 20 },
};

/**
 * Per-method limits of one workspace, as Slack applies them: each method has a bucket that
 * refills at `perMinute` and holds `burst` calls; a call finding it empty is refused with HTTP
 * 429, `ratelimited` and a `Retry-After` in whole seconds until a call would be accepted, and
 * does not use up a call. Counts what it accepted and refused, per method.
 */
export class FakeSlackRateLimits {
  private readonly limits = new Map<string, FakeRateLimit>();
  /** Epoch ms the next call of each method would be on time (the bucket's state). */
  private readonly nextAt = new Map<string, number>();
  readonly refused = new Map<string, number>();
  readonly accepted = new Map<string, number>();

  /** Enforces `limit` on `method` from now on (undefined: no limit). */
  set(method: string, limit: FakeRateLimit | undefined): void {
    if (limit) this.limits.set(method, limit);
    else this.limits.delete(method);
    this.nextAt.delete(method);
  }

  clear(): void {
    this.limits.clear();
    this.nextAt.clear();
    this.refused.clear();
    this.accepted.clear();
  }

  /** Takes a call of `method` at `now`: undefined when accepted, else the `Retry-After` seconds. */
  take(method: string, now: number): number | undefined {
    const limit = this.limits.get(method);
    if (!limit) return undefined;
    const intervalMs = 60_000 / limit.perMinute;
    const toleranceMs = intervalMs * (limit.burst - 1);
    const arrival = Math.max(this.nextAt.get(method) ?? now, now);
    const earliest = arrival - toleranceMs;
    if (earliest > now) {
      this.refused.set(method, (this.refused.get(method) ?? 0) + 1);
      return Math.max(1, Math.ceil((earliest - now) / 1000));
    }
    this.nextAt.set(method, arrival + intervalMs);
    this.accepted.set(method, (this.accepted.get(method) ?? 0) + 1);
    return undefined;
  }
}
