import { describe, expect, it } from 'vitest';
import { buildRetryActions, decodeRetryValue, encodeRetryValue, retryActionId } from './retry-button.js';

const offer = { turnId: 'C1-1700000000.000100', teamId: 'T1', threadTs: '1700000000.000100', agentName: 'backend-architect', question: 'How do we shard?' };

describe('the Retry button', () => {
  it('carries the turn reference and the question, and decodes back', () => {
    expect(decodeRetryValue(encodeRetryValue(offer))).toEqual(offer);
    const block = buildRetryActions(offer) as { type: string; elements: Array<{ action_id: string; value: string }> };
    expect(block.type).toBe('actions');
    expect(block.elements[0]?.action_id).toBe(retryActionId);
  });

  it('leaves a long question out to stay within Slack’s 2,000-character value (it is read from history then)', () => {
    const value = encodeRetryValue({ ...offer, question: 'x'.repeat(5000) });
    expect(value.length).toBeLessThanOrEqual(2000);
    expect(decodeRetryValue(value)).toEqual({ turnId: offer.turnId, teamId: 'T1', threadTs: offer.threadTs, agentName: 'backend-architect' });
  });

  it('rejects values that are not ours', () => {
    expect(decodeRetryValue(undefined)).toBeUndefined();
    expect(decodeRetryValue('not json')).toBeUndefined();
    expect(decodeRetryValue('{"turnId":1}')).toBeUndefined();
  });
});
