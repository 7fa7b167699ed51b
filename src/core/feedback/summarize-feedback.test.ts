import { describe, expect, it } from 'vitest';
import type { FeedbackVote } from './feedback-vote.js';
import { formatFeedbackReport, summarizeFeedback } from './summarize-feedback.js';

const base = { teamId: 'T1', channelId: 'C1', threadTs: '1.1', at: 1 };
const votes: FeedbackVote[] = [
  { ...base, turnId: 't1', agent: 'backend-architect', userId: 'U1', value: 'up' },
  { ...base, turnId: 't1', agent: 'backend-architect', userId: 'U2', value: 'down', commented: true },
  { ...base, turnId: 't2', agent: 'backend-architect', userId: 'U1', value: 'up' },
  { ...base, turnId: 't3', agent: 'data-engineer', userId: 'U1', value: 'down' },
];

describe('summarizeFeedback', () => {
  it('counts votes, comments and distinct answers per agent, most voted-on first', () => {
    expect(summarizeFeedback(votes)).toEqual([
      { agent: 'backend-architect', up: 2, down: 1, comments: 1, answers: 2 },
      { agent: 'data-engineer', up: 0, down: 1, comments: 0, answers: 1 },
    ]);
    expect(summarizeFeedback([])).toEqual([]);
  });
});

describe('formatFeedbackReport', () => {
  it('prints a row per agent and the totals', () => {
    const report = formatFeedbackReport(summarizeFeedback(votes), { sinceMs: Date.UTC(2026, 10, 25, 9), untilMs: Date.UTC(2026, 11, 2, 9), sinceLabel: '7d' });
    expect(report.split('\n')).toEqual([
      'Feedback of the last 7d (2026-11-25 09:00 – 2026-12-02 09:00 UTC)',
      'agent              👍    👎    👍 share  answers  comments',
      'backend-architect  2     1     67%       2        1',
      'data-engineer      0     1     0%        1        0',
      'total              2     2     50%       3        1',
      '',
    ]);
  });
});
