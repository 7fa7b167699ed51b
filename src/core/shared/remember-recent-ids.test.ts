import { describe, expect, it } from 'vitest';
import { rememberRecentIds } from './remember-recent-ids.js';

describe('rememberRecentIds', () => {
  it('says true once per id until it expires', () => {
    let now = 0;
    const ids = rememberRecentIds({ ttlMs: 1000, clock: { now: () => now } });
    expect(ids.rememberFirst('a')).toBe(true);
    expect(ids.rememberFirst('a')).toBe(false);
    expect(ids.rememberFirst('b')).toBe(true);
    now = 1001;
    expect(ids.rememberFirst('a')).toBe(true);
  });

  it('keeps at most `capacity` ids, forgetting the oldest', () => {
    const ids = rememberRecentIds({ ttlMs: 60_000, capacity: 2 });
    expect(ids.rememberFirst('a')).toBe(true);
    expect(ids.rememberFirst('b')).toBe(true);
    expect(ids.rememberFirst('c')).toBe(true);
    expect(ids.rememberFirst('c')).toBe(false);
    expect(ids.rememberFirst('a')).toBe(true);
  });
});
