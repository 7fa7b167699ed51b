import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_ALIASES, resolveModelId } from './resolve-model-id.js';

const options = {
  defaultModel: 'claude-default-1',
  aliases: { sonnet: 'custom-sonnet', opus: 'custom-opus', haiku: 'custom-haiku' },
};

describe('resolveModelId', () => {
  it('maps the shorthands to the configured ids, in any case', () => {
    expect(resolveModelId('sonnet', options)).toBe('custom-sonnet');
    expect(resolveModelId('opus', options)).toBe('custom-opus');
    expect(resolveModelId('haiku', options)).toBe('custom-haiku');
    expect(resolveModelId(' Sonnet ', options)).toBe('custom-sonnet');
  });

  it('uses the default model for inherit, empty and undefined', () => {
    expect(resolveModelId('inherit', options)).toBe('claude-default-1');
    expect(resolveModelId('INHERIT', options)).toBe('claude-default-1');
    expect(resolveModelId('', options)).toBe('claude-default-1');
    expect(resolveModelId('   ', options)).toBe('claude-default-1');
    expect(resolveModelId(undefined, options)).toBe('claude-default-1');
  });

  it('takes anything else as a full model id, as written', () => {
    expect(resolveModelId('claude-opus-4-8', options)).toBe('claude-opus-4-8');
    expect(resolveModelId('claude-sonnet-4-6-20260101', options)).toBe('claude-sonnet-4-6-20260101');
    expect(resolveModelId('My-Model', options)).toBe('My-Model');
  });

  it('falls back to DEFAULT_MODEL_ALIASES when no aliases are given', () => {
    expect(resolveModelId('sonnet', { defaultModel: 'x' })).toBe('claude-sonnet-4-6');
    expect(resolveModelId('opus', { defaultModel: 'x' })).toBe('claude-opus-4-8');
    expect(resolveModelId('haiku', { defaultModel: 'x' })).toBe('claude-haiku-4-5');
  });
});

describe('DEFAULT_MODEL_ALIASES', () => {
  it('has the expected ids', () => {
    expect(DEFAULT_MODEL_ALIASES).toEqual({ sonnet: 'claude-sonnet-4-6', opus: 'claude-opus-4-8', haiku: 'claude-haiku-4-5' });
  });

  it("names no model in the Anthropic SDK's deprecated list", () => {
    const source = readFileSync(new URL('../../../node_modules/@anthropic-ai/sdk/internal/data/deprecated-models.js', import.meta.url), 'utf8');
    const deprecatedIds = [...source.matchAll(/^\s*'([^']+)'\s*:/gm)].map((match) => match[1]);
    // Guard against the file format changing under us: the list must have been found.
    expect(deprecatedIds.length).toBeGreaterThan(0);
    expect(source).toContain('DEPRECATED_MODELS');
    for (const id of Object.values(DEFAULT_MODEL_ALIASES)) {
      expect(deprecatedIds).not.toContain(id);
      expect(source).not.toContain(`'${id}'`);
    }
  });
});
