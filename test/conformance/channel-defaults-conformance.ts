import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelDefaults, ChannelKey } from '../../src/core/channels/ports.js';

/** Channel defaults under test. */
export interface ChannelDefaultsUnderTest {
  defaults: ChannelDefaults;
  /** A second instance on the same backend (another replica). */
  anotherReplica(): ChannelDefaults;
  /** Every channel entry the backend keeps right now, with the ms until it expires (-1 = never). */
  listEntries(): Promise<Array<{ key: string; expiresInMs: number }>>;
  /** Leaves `channel`'s entry only a few seconds to live (as if a long time passed since it was last used). */
  ageEntry(channel: ChannelKey): Promise<void>;
  /** The lifetime the instance was created with. */
  ttlMs: number;
  cleanup(): Promise<void>;
}

const general = { teamId: 'T1', channelId: 'C1' };
const random = { teamId: 'T1', channelId: 'C2' };
const sharedElsewhere = { teamId: 'T2', channelId: 'C1' };
const setting = (agentName: string, setBy = 'U1', setAt = 1_764_633_600_000) => ({ agentName, setBy, setAt });

/** Behaviour every ChannelDefaults adapter must have. */
export function describeChannelDefaultsConformance(name: string, make: () => Promise<ChannelDefaultsUnderTest>): void {
  describe(`${name} (ChannelDefaults conformance)`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
    });
    async function setUp(): Promise<ChannelDefaultsUnderTest> {
      const handle = await make();
      cleanups.push(() => handle.cleanup());
      return handle;
    }

    it('has no default before one is set, and keeps no entry for reading one', async () => {
      const { defaults, listEntries } = await setUp();
      expect(await defaults.get(general)).toBeUndefined();
      expect(await listEntries()).toEqual([]);
    });

    it('keeps the agent with who set it and when, seen by every replica', async () => {
      const { defaults, anotherReplica } = await setUp();
      await defaults.set(general, setting('security-engineer', 'U42', 1_764_633_600_123));
      expect(await anotherReplica().get(general)).toEqual(setting('security-engineer', 'U42', 1_764_633_600_123));
    });

    it('keeps channels apart, and the same channel id in another workspace apart', async () => {
      const { defaults } = await setUp();
      await defaults.set(general, setting('security-engineer'));
      await defaults.set(random, setting('data-engineer'));
      expect(await defaults.get(general)).toMatchObject({ agentName: 'security-engineer' });
      expect(await defaults.get(random)).toMatchObject({ agentName: 'data-engineer' });
      expect(await defaults.get(sharedElsewhere)).toBeUndefined();
    });

    it('replaces a default on a second set, and clears it (clearing nothing is fine)', async () => {
      const { defaults, anotherReplica, listEntries } = await setUp();
      await defaults.set(general, setting('security-engineer', 'U1'));
      await anotherReplica().set(general, setting('data-engineer', 'U2', 1_764_633_700_000));
      expect(await defaults.get(general)).toEqual(setting('data-engineer', 'U2', 1_764_633_700_000));
      await defaults.clear(general);
      expect(await anotherReplica().get(general)).toBeUndefined();
      await defaults.clear(random);
      expect(await listEntries()).toEqual([]);
    });

    it('gives every entry an expiry no longer than its lifetime, renewed by a read', async () => {
      const { defaults, listEntries, ageEntry, ttlMs } = await setUp();
      await defaults.set(general, setting('security-engineer'));
      const [entry] = await listEntries();
      expect(entry && entry.expiresInMs > ttlMs - 60_000 && entry.expiresInMs <= ttlMs).toBe(true);
      await ageEntry(general);
      const [aged] = await listEntries();
      expect(aged && aged.expiresInMs > 0 && aged.expiresInMs <= 10_000).toBe(true);
      expect(await defaults.get(general)).toMatchObject({ agentName: 'security-engineer' });
      const [renewed] = await listEntries();
      expect(renewed && renewed.expiresInMs > ttlMs - 60_000 && renewed.expiresInMs <= ttlMs).toBe(true);
    });
  });
}
