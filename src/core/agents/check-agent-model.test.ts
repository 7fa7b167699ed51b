import { describe, expect, it } from 'vitest';
import { checkAgentModel, describeUnknownModel } from './check-agent-model.js';

describe('checkAgentModel', () => {
  it('accepts the shorthands in any case, empty as inherit, and Claude Code [1m]-style suffixes', () => {
    expect(checkAgentModel('sonnet')).toEqual({ kind: 'shorthand', shorthand: 'sonnet' });
    expect(checkAgentModel(' Opus ')).toEqual({ kind: 'shorthand', shorthand: 'opus' });
    expect(checkAgentModel('')).toEqual({ kind: 'shorthand', shorthand: 'inherit' });
    expect(checkAgentModel('sonnet[1m]')).toEqual({ kind: 'shorthand', shorthand: 'sonnet' });
    expect(checkAgentModel('claude-opus-4-8[1m]')).toEqual({ kind: 'model-id', verified: false });
  });

  it('flags unknown shorthands with the closest one as a did-you-mean', () => {
    expect(checkAgentModel('sonet')).toEqual({ kind: 'unknown', suggestion: 'sonnet' });
    expect(checkAgentModel('haiky')).toEqual({ kind: 'unknown', suggestion: 'haiku' });
    expect(checkAgentModel('fable')).toEqual({ kind: 'shorthand', shorthand: 'fable' });
    expect(checkAgentModel('fabel')).toEqual({ kind: 'unknown', suggestion: 'fable' });
    expect(checkAgentModel('gpt-4o')).toEqual({ kind: 'unknown' });
  });

  it('takes a passed-in list of shorthands (e.g. fable) and of model ids', () => {
    const known = { shorthands: ['sonnet', 'opus', 'haiku', 'fable', 'inherit'], modelIds: ['claude-sonnet-4-6', 'claude-fable-5-1'] };
    expect(checkAgentModel('fable', known)).toEqual({ kind: 'shorthand', shorthand: 'fable' });
    expect(checkAgentModel('Claude-Fable-5-1', known)).toEqual({ kind: 'model-id', verified: true });
    expect(checkAgentModel('claude-fable-5-2', known)).toEqual({ kind: 'unknown', suggestion: 'claude-fable-5-1' });
    // Without a list, a claude- id is trusted (lint cannot ask the API); with one, it must be on it.
    expect(checkAgentModel('claude-fable-5-2')).toEqual({ kind: 'model-id', verified: false });
  });

  it('words an unknown model with the shorthands and the suggestion', () => {
    const check = checkAgentModel('sonet');
    if (check.kind !== 'unknown') throw new Error('expected unknown');
    expect(describeUnknownModel('sonet', check)).toBe(
      "unknown model 'sonet': use sonnet, opus, haiku, fable, inherit or a full model id; the crew answers this agent with its default model instead. Did you mean 'sonnet'?",
    );
  });
});
