import { describe, expect, it } from 'vitest';
import { buildFeedbackBlock, decodeFeedbackButtonValue, decodeFeedbackReference, encodeFeedbackReference } from './feedback-buttons.js';

const reference = { teamId: 'T111', threadTs: '1700000000.000100', turnId: 'C111-1700000000.000100', agent: 'backend-architect' };

describe('feedback button values', () => {
  it('round-trips a reference and the button pressed, well within Slack\'s 2,000 chars', () => {
    const up = encodeFeedbackReference(reference, 'up');
    expect(up.length).toBeLessThan(200);
    expect(decodeFeedbackButtonValue(up)).toEqual({ ...reference, value: 'up' });
    expect(decodeFeedbackReference(encodeFeedbackReference(reference))).toEqual(reference);
    // A reference without a vote is not a pressed 👍/👎.
    expect(decodeFeedbackButtonValue(encodeFeedbackReference(reference))).toBeUndefined();
  });

  it('refuses anything that is not a well-formed value of ours', () => {
    const wire = JSON.parse(encodeFeedbackReference(reference, 'down')) as Record<string, unknown>;
    for (const bad of [
      undefined,
      '',
      'up',
      'null',
      '[]',
      JSON.stringify({ ...wire, v: 'meh' }),
      JSON.stringify({ ...wire, a: 'Backend Architect' }),
      JSON.stringify({ ...wire, a: 'x'.repeat(65) }),
      JSON.stringify({ ...wire, th: 'yesterday' }),
      JSON.stringify({ ...wire, t: 'has spaces' }),
      JSON.stringify({ ...wire, tm: 42 }),
      JSON.stringify({ ...wire, pad: 'x'.repeat(2000) }),
    ]) {
      expect(decodeFeedbackButtonValue(bad)).toBeUndefined();
    }
  });
});

describe('buildFeedbackBlock', () => {
  it('is a context_actions block with one feedback_buttons element, a block_id unique per answer', () => {
    const block = buildFeedbackBlock(reference) as { type: string; block_id: string; elements: Array<Record<string, unknown>> };
    expect(block.type).toBe('context_actions');
    expect(block.block_id).toBe('crew_feedback:C111-1700000000.000100');
    expect(block.elements).toHaveLength(1);
    expect(block.elements[0]).toMatchObject({
      type: 'feedback_buttons',
      action_id: 'crew_feedback',
      positive_button: { text: { type: 'plain_text', text: '👍' } },
      negative_button: { text: { type: 'plain_text', text: '👎' } },
    });
  });
});
