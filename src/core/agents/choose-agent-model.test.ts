import { describe, expect, it } from 'vitest';
import { FALLBACK_MODELS, type KnownModel } from '../model/model-catalog.js';
import { chooseAgentModel, type ModelChoiceContext } from './choose-agent-model.js';

const listed: KnownModel[] = [
  { id: 'claude-sonnet-5-5', createdAt: Date.UTC(2026, 8, 28), maxInputTokens: 1_000_000, maxOutputTokens: 128_000 },
  { id: 'claude-sonnet-5', createdAt: Date.UTC(2026, 5, 30) },
  { id: 'claude-opus-5-5', createdAt: Date.UTC(2026, 8, 21) },
  { id: 'claude-opus-4-8', createdAt: Date.UTC(2026, 1, 1) },
  { id: 'claude-haiku-4-5-20251001', createdAt: Date.UTC(2025, 9, 15) },
  { id: 'claude-fable-5-2', createdAt: Date.UTC(2026, 10, 5) },
];
const live: ModelChoiceContext = { models: listed, live: true, overrides: {} };
const id = (model: string | undefined, context = live) => chooseAgentModel(model, context).model.id;

describe('chooseAgentModel', () => {
  it('resolves each alias to the newest listed model of its family, in any case, with Claude Code’s [1m] suffix', () => {
    expect(id('sonnet')).toBe('claude-sonnet-5-5');
    expect(id('Opus')).toBe('claude-opus-5-5');
    expect(id('haiku')).toBe('claude-haiku-4-5-20251001');
    expect(id('fable')).toBe('claude-fable-5-2');
    expect(id('sonnet[1m]')).toBe('claude-sonnet-5-5');
    expect(chooseAgentModel('sonnet', live).model).toMatchObject({ maxInputTokens: 1_000_000, maxOutputTokens: 128_000 });
  });

  it('gives inherit and no model the default: CLAUDE_MODEL when set, else the newest Sonnet', () => {
    expect(id(undefined)).toBe('claude-sonnet-5-5');
    expect(id('inherit')).toBe('claude-sonnet-5-5');
    expect(id('', { ...live, overrides: { default: 'claude-opus-5-5' } })).toBe('claude-opus-5-5');
  });

  it('lets configuration pin an alias (CLAUDE_MODEL_OPUS …)', () => {
    expect(id('opus', { ...live, overrides: { opus: 'claude-opus-4-8' } })).toBe('claude-opus-4-8');
  });

  it('uses a listed full id as written', () => {
    expect(chooseAgentModel('claude-opus-4-8', live)).toEqual({ model: listed[3] });
    expect(chooseAgentModel('claude-opus-4-8[1m]', live)).toEqual({ model: listed[3] });
  });

  it('never fails on a wrong model: the default answers, and the warning names the choice (with a did-you-mean)', () => {
    expect(chooseAgentModel('sonet', live)).toEqual({
      model: listed[0],
      warning: 'model `sonet` is not a model alias (did you mean `sonnet`?); answering with claude-sonnet-5-5',
    });
    expect(chooseAgentModel('claude-sonnet-4-6', live)).toEqual({
      model: listed[0],
      warning: 'model `claude-sonnet-4-6` is not among the models this API key can use; answering with claude-sonnet-5-5',
    });
  });

  it('falls back to today’s lineup when the list could not be read, and then trusts a full id as written', () => {
    const offline: ModelChoiceContext = { models: FALLBACK_MODELS, live: false, overrides: {} };
    expect(id('sonnet', offline)).toBe('claude-sonnet-5-5');
    expect(id('fable', offline)).toBe('claude-fable-5-2');
    expect(chooseAgentModel('claude-sonnet-4-6', offline)).toEqual({ model: { id: 'claude-sonnet-4-6', createdAt: 0 } });
  });
});
