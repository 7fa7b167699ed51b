import { describe, expect, it } from 'vitest';
import { selectKeptExchanges } from './select-kept-exchanges.js';

describe('selectKeptExchanges', () => {
  it('keeps everything when it fits', () => {
    expect(selectKeptExchanges({ weights: [10, 10, 10], room: 30, noteTokens: 5, chunkTokens: 10 })).toEqual({ keepFirst: true, cut: 0 });
  });

  it('leaves out whole chunks after the first exchange, never a single exchange at a time', () => {
    // Chunks of 30 tokens = 3 exchanges of 10: cut points after exchanges 1–3, 4–6, …
    const weights = Array.from({ length: 12 }, () => 10);
    expect(selectKeptExchanges({ weights, room: 115, noteTokens: 5, chunkTokens: 30 })).toEqual({ keepFirst: true, cut: 3 });
    expect(selectKeptExchanges({ weights, room: 85, noteTokens: 5, chunkTokens: 30 })).toEqual({ keepFirst: true, cut: 6 });
  });

  it('keeps the same cut while the thread grows, until the rest no longer fits', () => {
    const cuts: number[] = [];
    for (let length = 1; length <= 30; length += 1) {
      cuts.push(selectKeptExchanges({ weights: Array.from({ length }, () => 10), room: 150, noteTokens: 5, chunkTokens: 40 }).cut);
    }
    expect(cuts).toEqual([...cuts].sort((a, b) => a - b));
    const changes = cuts.filter((cut, index) => index > 0 && cut !== cuts[index - 1]).length;
    expect(changes).toBeLessThanOrEqual(Math.ceil(30 / 4));
  });

  it('drops the first exchange too when it alone does not fit', () => {
    expect(selectKeptExchanges({ weights: [500, 10, 10], room: 100, noteTokens: 5, chunkTokens: 10 })).toEqual({ keepFirst: false, cut: 0 });
  });

  it('leaves everything out when nothing fits', () => {
    expect(selectKeptExchanges({ weights: [50, 50], room: 10, noteTokens: 5, chunkTokens: 10 })).toEqual({ keepFirst: false, cut: 1 });
  });
});
