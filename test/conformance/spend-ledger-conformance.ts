import { afterEach, describe, expect, it } from 'vitest';
import type { SpendLedger } from '../../src/core/budget/ports.js';

/** A spend ledger under test. */
export interface SpendLedgerUnderTest {
  ledger: SpendLedger;
  /** A second ledger on the same backend (another replica). */
  anotherReplica(): SpendLedger;
  /** Every counter the backend keeps right now, with the ms until it expires (-1 = never). */
  listCounters(): Promise<Array<{ key: string; expiresInMs: number }>>;
  /** The lifetime the ledger was created with. */
  retentionMs: number;
  cleanup(): Promise<void>;
}

const day = '2026-12-02';
const nextDay = '2026-12-03';
const general = { teamId: 'T1', channelId: 'C1' };
const random = { teamId: 'T1', channelId: 'C2' };
const otherTeam = { teamId: 'T2', channelId: 'C1' };

/** Behaviour every SpendLedger must have (daily counters per workspace and per channel). */
export function describeSpendLedgerConformance(name: string, makeLedger: () => Promise<SpendLedgerUnderTest>): void {
  describe(`${name} (SpendLedger conformance)`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
    });
    async function setUp(): Promise<SpendLedgerUnderTest> {
      const handle = await makeLedger();
      cleanups.push(() => handle.cleanup());
      return handle;
    }

    it('reads 0 for both scopes before anything was recorded', async () => {
      const { ledger } = await setUp();
      expect(await ledger.read(general, day)).toEqual({ team: 0, channel: 0 });
    });

    it('reads both scopes in one call: the workspace total sums its channels, each channel counts alone', async () => {
      const { ledger } = await setUp();
      expect(await ledger.record(general, 1_000, day)).toEqual({ team: 1_000, channel: 1_000 });
      expect(await ledger.record(random, 250, day)).toEqual({ team: 1_250, channel: 250 });
      expect(await ledger.record(otherTeam, 7, day)).toEqual({ team: 7, channel: 7 });
      expect(await ledger.read(general, day)).toEqual({ team: 1_250, channel: 1_000 });
      expect(await ledger.read(random, day)).toEqual({ team: 1_250, channel: 250 });
      // The same channel id in another workspace (e.g. a shared channel) counts for that workspace only.
      expect(await ledger.read(otherTeam, day)).toEqual({ team: 7, channel: 7 });
    });

    it('sums concurrent records exactly, across replicas', async () => {
      const { ledger, anotherReplica } = await setUp();
      const other = anotherReplica();
      const amounts = Array.from({ length: 60 }, (_, index) => 1 + index * 37);
      await Promise.all(amounts.map((amount, index) => (index % 2 === 0 ? ledger : other).record(index % 3 === 0 ? random : general, amount, day)));
      const total = amounts.reduce((sum, amount) => sum + amount, 0);
      const inRandom = amounts.filter((_, index) => index % 3 === 0).reduce((sum, amount) => sum + amount, 0);
      expect(await other.read(general, day)).toEqual({ team: total, channel: total - inRandom });
      expect(await ledger.read(random, day)).toEqual({ team: total, channel: inRandom });
    });

    it('starts every day at 0 and keeps the previous day apart (day rollover)', async () => {
      const { ledger } = await setUp();
      await ledger.record(general, 900, day);
      expect(await ledger.read(general, nextDay)).toEqual({ team: 0, channel: 0 });
      await ledger.record(general, 40, nextDay);
      expect(await ledger.read(general, nextDay)).toEqual({ team: 40, channel: 40 });
      expect(await ledger.read(general, day)).toEqual({ team: 900, channel: 900 });
    });

    it('gives every counter an expiry no longer than the retention, renewed on each write', async () => {
      const { ledger, listCounters, retentionMs } = await setUp();
      await ledger.record(general, 10, day);
      await ledger.record(random, 10, nextDay);
      await ledger.record(general, 0, day);
      const counters = await listCounters();
      expect(counters).toHaveLength(4);
      for (const { key, expiresInMs } of counters) {
        expect({ key, expires: expiresInMs > retentionMs - 60_000 && expiresInMs <= retentionMs }).toEqual({ key, expires: true });
      }
    });

    it('refuses a negative or fractional record without touching the counters', async () => {
      const { ledger } = await setUp();
      await ledger.record(general, 5, day);
      await expect(ledger.record(general, -1, day)).rejects.toBeInstanceOf(RangeError);
      await expect(ledger.record(general, 1.5, day)).rejects.toBeInstanceOf(RangeError);
      expect(await ledger.read(general, day)).toEqual({ team: 5, channel: 5 });
    });
  });
}
