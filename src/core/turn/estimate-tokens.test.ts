import { describe, expect, it } from 'vitest';
import { calibrateTokenEstimator, estimateTokens } from './estimate-tokens.js';
import type { StoredTurn } from '../thread/thread-state.js';

function answer(text: string, outputTokens?: number, status: 'complete' | 'interrupted' = 'complete'): StoredTurn {
  return { role: 'assistant', content: [{ type: 'text', text }], turnId: 't', at: 0, status, ...(outputTokens === undefined ? {} : { outputTokens }) };
}

describe('token estimates', () => {
  it('over-estimates English at 3 characters per token plus framing', () => {
    expect(estimateTokens('')).toBe(4);
    expect(estimateTokens('x'.repeat(300))).toBe(104);
  });

  it('keeps the conservative default when the thread’s answers are less dense than it (English, code)', () => {
    const estimator = calibrateTokenEstimator([answer('e'.repeat(4000), 1000)]);
    expect(estimator.tokensPerChar).toBeCloseTo(1 / 3);
    expect(estimator.estimate('x'.repeat(300))).toBe(estimateTokens('x'.repeat(300)));
  });

  it('raises the density to what the model reported for denser text, with a margin', () => {
    // 1,000 characters the model counted as 1,000 tokens (e.g. Japanese).
    const estimator = calibrateTokenEstimator([answer('字'.repeat(1000), 1000)]);
    expect(estimator.tokensPerChar).toBeGreaterThanOrEqual(1.15);
    expect(estimator.estimate('字'.repeat(100))).toBeGreaterThanOrEqual(115);
  });

  it('ignores interrupted answers, missing or implausible counts, and too little text', () => {
    expect(calibrateTokenEstimator([answer('字'.repeat(1000), 1000, 'interrupted')]).tokensPerChar).toBeCloseTo(1 / 3);
    expect(calibrateTokenEstimator([answer('字'.repeat(1000))]).tokensPerChar).toBeCloseTo(1 / 3);
    expect(calibrateTokenEstimator([answer('字'.repeat(1000), 0)]).tokensPerChar).toBeCloseTo(1 / 3);
    expect(calibrateTokenEstimator([answer('字'.repeat(100), 100)]).tokensPerChar).toBeCloseTo(1 / 3);
  });

  it('moves in steps of 0.05, so small differences between turns do not change the weights', () => {
    const a = calibrateTokenEstimator([answer('字'.repeat(1000), 900)]);
    const b = calibrateTokenEstimator([answer('字'.repeat(1000), 900), answer('字'.repeat(1000), 905)]);
    expect(a.tokensPerChar).toBe(b.tokensPerChar);
  });
});
