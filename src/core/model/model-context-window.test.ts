import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTEXT_WINDOW_TOKENS, modelContextWindow } from './model-context-window.js';

describe('modelContextWindow', () => {
  it('knows current Claude models and defaults to 200k tokens', () => {
    expect(modelContextWindow('claude-sonnet-4-6')).toBe(200_000);
    expect(modelContextWindow('claude-haiku-4-5')).toBe(200_000);
    expect(modelContextWindow('some-future-model')).toBe(DEFAULT_CONTEXT_WINDOW_TOKENS);
  });

  it('takes an exact override first', () => {
    expect(modelContextWindow('claude-sonnet-4-6', { 'claude-sonnet-4-6': 1_000_000 })).toBe(1_000_000);
  });
});
