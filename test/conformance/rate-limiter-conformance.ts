import { afterEach, describe, expect, it } from 'vitest';
import type { RateLimiter } from '../../src/core/intake/ports.js';

/** A rate limiter under test, driven by a fake clock. */
export interface RateLimiterUnderTest {
  limiter: RateLimiter;
  /** Moves the limiter's clock forward. */
  advanceTime(ms: number): void;
  /** A second limiter on the same backend (another replica). */
  anotherReplica(): RateLimiter;
  cleanup(): Promise<void>;
}

/** Behaviour every RateLimiter must have (token bucket: `burst` at once, `perMinute` refill). */
export function describeRateLimiterConformance(name: string, makeLimiter: () => Promise<RateLimiterUnderTest>): void {
  describe(`${name} (RateLimiter conformance)`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
    });
    async function setUp(): Promise<RateLimiterUnderTest> {
      const handle = await makeLimiter();
      cleanups.push(() => handle.cleanup());
      return handle;
    }
    const limit = { burst: 3, perMinute: 6 };

    it('allows a burst, then refuses with the time until the next token', async () => {
      const { limiter } = await setUp();
      for (let i = 0; i < 3; i += 1) expect(await limiter.take('T1:U1', limit)).toEqual({ allowed: true });
      expect(await limiter.take('T1:U1', limit)).toEqual({ allowed: false, retryAfterMs: 10_000 });
    });

    it('refills at perMinute and never above the burst', async () => {
      const { limiter, advanceTime } = await setUp();
      for (let i = 0; i < 3; i += 1) await limiter.take('T1:U1', limit);
      advanceTime(4_000);
      expect(await limiter.take('T1:U1', limit)).toEqual({ allowed: false, retryAfterMs: 6_000 });
      advanceTime(6_000);
      expect(await limiter.take('T1:U1', limit)).toEqual({ allowed: true });
      advanceTime(10 * 60_000);
      for (let i = 0; i < 3; i += 1) expect(await limiter.take('T1:U1', limit)).toEqual({ allowed: true });
      expect((await limiter.take('T1:U1', limit)).allowed).toBe(false);
    });

    it('keeps one bucket per key', async () => {
      const { limiter } = await setUp();
      for (let i = 0; i < 3; i += 1) await limiter.take('T1:U1', limit);
      expect(await limiter.take('T1:U2', limit)).toEqual({ allowed: true });
      expect(await limiter.take('T2:U1', limit)).toEqual({ allowed: true });
    });

    it('shares buckets between replicas of the same backend', async () => {
      const { limiter, anotherReplica } = await setUp();
      const other = anotherReplica();
      await limiter.take('T1:U1', limit);
      await other.take('T1:U1', limit);
      await limiter.take('T1:U1', limit);
      expect((await other.take('T1:U1', limit)).allowed).toBe(false);
    });

    it('takes exactly burst tokens under concurrent requests', async () => {
      const { limiter } = await setUp();
      const results = await Promise.all(Array.from({ length: 10 }, () => limiter.take('T1:U9', limit)));
      expect(results.filter((result) => result.allowed)).toHaveLength(3);
    });
  });
}
