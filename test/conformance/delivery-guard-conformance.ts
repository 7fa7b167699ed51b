import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryGuard } from '../../src/core/intake/ports.js';

/** A guard under test plus how to dispose of it and, for fake clocks, how to move time. */
export interface DeliveryGuardUnderTest {
  guard: DeliveryGuard;
  cleanup(): Promise<void>;
  /** Moves the guard's clock forward. Absent for real-time guards: the suite then sleeps. */
  advanceTime?(ms: number): void | Promise<void>;
  /** Another client of the same backend (e.g. a second Redis connection). Absent: reuse `guard`. */
  connectAnotherClient?(): Promise<DeliveryGuard>;
}

const SHORT_TTL_MS = 400;
const EXPIRY_MARGIN_MS = 150;
const LONG_TTL_MS = 60_000;

/** Behaviour every DeliveryGuard must have. `makeGuard` builds a fresh, isolated guard. */
export function describeDeliveryGuardConformance(name: string, makeGuard: () => Promise<DeliveryGuardUnderTest>): void {
  describe(`${name} (DeliveryGuard conformance)`, () => {
    const cleanups: (() => Promise<void>)[] = [];

    afterEach(async () => {
      await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
    });

    async function setUp(): Promise<DeliveryGuardUnderTest & { elapse(ms: number): Promise<void> }> {
      const handle = await makeGuard();
      cleanups.push(() => handle.cleanup());
      return {
        ...handle,
        async elapse(ms) {
          if (handle.advanceTime) {
            await handle.advanceTime(ms);
          } else {
            await sleep(ms);
          }
        },
      };
    }

    it('grants the first claim and refuses the second', async () => {
      const { guard } = await setUp();
      const id = createDeliveryId();
      expect(await guard.claim(id, LONG_TTL_MS)).toBe(true);
      expect(await guard.claim(id, LONG_TTL_MS)).toBe(false);
    });

    it('keeps ids independent', async () => {
      const { guard } = await setUp();
      expect(await guard.claim(createDeliveryId(), LONG_TTL_MS)).toBe(true);
      expect(await guard.claim(createDeliveryId(), LONG_TTL_MS)).toBe(true);
    });

    it('allows a claim again after release', async () => {
      const { guard } = await setUp();
      const id = createDeliveryId();
      await guard.claim(id, LONG_TTL_MS);
      await guard.release(id);
      expect(await guard.claim(id, LONG_TTL_MS)).toBe(true);
      expect(await guard.claim(id, LONG_TTL_MS)).toBe(false);
    });

    it('treats releasing an unclaimed id as a no-op', async () => {
      const { guard } = await setUp();
      const id = createDeliveryId();
      await expect(guard.release(id)).resolves.toBeUndefined();
      expect(await guard.claim(id, LONG_TTL_MS)).toBe(true);
    });

    it('holds a claim for its ttl and allows a claim again afterwards', async () => {
      const { guard, elapse } = await setUp();
      const id = createDeliveryId();
      expect(await guard.claim(id, SHORT_TTL_MS)).toBe(true);
      await elapse(SHORT_TTL_MS / 2);
      expect(await guard.claim(id, SHORT_TTL_MS)).toBe(false);
      await elapse(SHORT_TTL_MS / 2 + EXPIRY_MARGIN_MS);
      expect(await guard.claim(id, SHORT_TTL_MS)).toBe(true);
    });

    it('extend keeps held claims past their first ttl and leaves unclaimed ids unclaimed', async () => {
      const { guard, elapse } = await setUp();
      expect(guard.extend).toBeDefined();
      const held = [createDeliveryId(), createDeliveryId()];
      const neverClaimed = createDeliveryId();
      for (const id of held) expect(await guard.claim(id, SHORT_TTL_MS, 'C-extend')).toBe(true);
      await guard.extend?.([...held, neverClaimed], LONG_TTL_MS, 'C-extend');
      await elapse(SHORT_TTL_MS + EXPIRY_MARGIN_MS);
      for (const id of held) expect(await guard.claim(id, LONG_TTL_MS, 'C-extend')).toBe(false);
      expect(await guard.claim(neverClaimed, LONG_TTL_MS, 'C-extend')).toBe(true);
    });

    it('claimAll tells a claim not yet kept (pending) from a kept one', async () => {
      const { guard } = await setUp();
      const ids = [createDeliveryId(), createDeliveryId()];
      expect(await guard.claimAll?.(ids, LONG_TTL_MS, 'C-pending')).toEqual({ claimed: true });
      expect(await guard.claimAll?.(ids, LONG_TTL_MS, 'C-pending')).toEqual({ claimed: false, alreadyClaimedId: ids[0], pending: true });
      await guard.extend?.(ids, LONG_TTL_MS, 'C-pending');
      expect(await guard.claimAll?.([ids[1]!], LONG_TTL_MS, 'C-pending')).toEqual({ claimed: false, alreadyClaimedId: ids[1] });
    });

    it('grants exactly one of 20 concurrent claims', async () => {
      const handle = await setUp();
      const other = (await handle.connectAnotherClient?.()) ?? handle.guard;
      const id = createDeliveryId();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, index) => (index % 2 === 0 ? handle.guard : other).claim(id, LONG_TTL_MS)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    describe('claimAll', () => {
      /** Ids claimed together share a scope (the intake's: the channel), so a cluster keeps them in one slot. */
      const scope = 'C1';
      /** The guard's claimAll (every guard under this suite has one), in `scope`. */
      const claimAllOf = (guard: DeliveryGuard) => {
        if (!guard.claimAll) throw new Error('this guard has no claimAll');
        const claimAll = guard.claimAll.bind(guard);
        return (ids: readonly string[], ttlMs: number) => claimAll(ids, ttlMs, scope);
      };

      it('claims every id at once when none was claimed', async () => {
        const { guard } = await setUp();
        const ids = [createDeliveryId(), createDeliveryId(), createDeliveryId()];
        expect(await claimAllOf(guard)(ids, LONG_TTL_MS)).toEqual({ claimed: true });
        for (const id of ids) expect(await guard.claim(id, LONG_TTL_MS, scope)).toBe(false);
      });

      it('claims none and names the taken id when any was claimed', async () => {
        const { guard } = await setUp();
        const [free1, taken, free2] = [createDeliveryId(), createDeliveryId(), createDeliveryId()];
        await guard.claim(taken, LONG_TTL_MS, scope);
        expect(await claimAllOf(guard)([free1, taken, free2], LONG_TTL_MS)).toEqual({ claimed: false, alreadyClaimedId: taken });
        expect(await guard.claim(free1, LONG_TTL_MS, scope)).toBe(true);
        expect(await guard.claim(free2, LONG_TTL_MS, scope)).toBe(true);
      });

      it('holds the claims for their ttl, and release frees one of them', async () => {
        const { guard, elapse } = await setUp();
        const ids = [createDeliveryId(), createDeliveryId()];
        expect(await claimAllOf(guard)(ids, SHORT_TTL_MS)).toEqual({ claimed: true });
        await guard.release(ids[1]!, scope);
        expect(await claimAllOf(guard)([ids[1]!], LONG_TTL_MS)).toEqual({ claimed: true });
        await elapse(SHORT_TTL_MS + EXPIRY_MARGIN_MS);
        expect(await guard.claim(ids[0]!, LONG_TTL_MS, scope)).toBe(true);
        expect(await guard.claim(ids[1]!, LONG_TTL_MS, scope)).toBe(false);
      });

      it('grants exactly one of 20 concurrent claims of overlapping id sets', async () => {
        const handle = await setUp();
        const other = (await handle.connectAnotherClient?.()) ?? handle.guard;
        const shared = createDeliveryId();
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, index) =>
            claimAllOf(index % 2 === 0 ? handle.guard : other)([createDeliveryId(), shared], LONG_TTL_MS),
          ),
        );
        expect(results.filter((result) => result.claimed)).toHaveLength(1);
      });

      it('keeps an id claimed in one scope apart from the same id in another scope or none', async () => {
        const { guard } = await setUp();
        const id = createDeliveryId();
        expect(await claimAllOf(guard)([id, createDeliveryId()], LONG_TTL_MS)).toEqual({ claimed: true });
        expect(await guard.claim(id, LONG_TTL_MS, 'C2')).toBe(true);
        expect(await guard.claim(id, LONG_TTL_MS)).toBe(true);
        await guard.release(id);
        expect(await guard.claim(id, LONG_TTL_MS, scope)).toBe(false);
      });
    });
  });
}

/** A Slack-like event id no other test uses. */
function createDeliveryId(): string {
  return `Ev${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;
}
