import type { FeedbackVote } from './feedback-vote.js';

/** Votes on one agent's answers over a period. */
export interface AgentFeedbackSummary {
  agent: string;
  up: number;
  down: number;
  /** Votes that came with a "what was wrong" comment. */
  comments: number;
  /** Distinct answers voted on. */
  answers: number;
}

/**
 * Counts votes per agent (one vote per person per answer, as the store keeps them), most
 * voted-on agent first, then by name.
 */
export function summarizeFeedback(votes: readonly FeedbackVote[]): AgentFeedbackSummary[] {
  const byAgent = new Map<string, AgentFeedbackSummary & { turns: Set<string> }>();
  for (const vote of votes) {
    const summary = byAgent.get(vote.agent) ?? { agent: vote.agent, up: 0, down: 0, comments: 0, answers: 0, turns: new Set<string>() };
    summary[vote.value] += 1;
    if (vote.commented || (vote.comment !== undefined && vote.comment !== '')) summary.comments += 1;
    summary.turns.add(`${vote.teamId}:${vote.channelId}:${vote.threadTs}:${vote.turnId}`);
    byAgent.set(vote.agent, summary);
  }
  return [...byAgent.values()]
    .map(({ turns, ...summary }) => ({ ...summary, answers: turns.size }))
    .sort((a, b) => b.up + b.down - (a.up + a.down) || a.agent.localeCompare(b.agent));
}

/** Share of 👍 among the votes, as a whole percentage. */
function formatShare(summary: AgentFeedbackSummary): string {
  const total = summary.up + summary.down;
  return total === 0 ? '-' : `${Math.round((summary.up / total) * 100)}%`;
}

/**
 * The `crew feedback` report: one line per agent (👍, 👎, share of 👍, answers voted on,
 * comments), then the totals. `sinceLabel` says the period as the person asked for it ("7d").
 */
export function formatFeedbackReport(summaries: readonly AgentFeedbackSummary[], period: { sinceMs: number; untilMs: number; sinceLabel: string }): string {
  const from = new Date(period.sinceMs).toISOString().slice(0, 16).replace('T', ' ');
  const until = new Date(period.untilMs).toISOString().slice(0, 16).replace('T', ' ');
  const header = `Feedback of the last ${period.sinceLabel} (${from} – ${until} UTC)`;
  if (summaries.length === 0) return `${header}\nNo votes.\n`;
  const width = Math.max(5, ...summaries.map((summary) => summary.agent.length));
  const lines = [header, `${'agent'.padEnd(width)}  👍    👎    👍 share  answers  comments`];
  for (const summary of summaries) lines.push(formatRow(summary.agent.padEnd(width), summary));
  const total = summaries.reduce(
    (sum, summary) => ({ agent: 'total', up: sum.up + summary.up, down: sum.down + summary.down, comments: sum.comments + summary.comments, answers: sum.answers + summary.answers }),
    { agent: 'total', up: 0, down: 0, comments: 0, answers: 0 },
  );
  lines.push(formatRow('total'.padEnd(width), total));
  return `${lines.join('\n')}\n`;
}

function formatRow(label: string, summary: AgentFeedbackSummary): string {
  return `${label}  ${String(summary.up).padEnd(4)}  ${String(summary.down).padEnd(4)}  ${formatShare(summary).padEnd(8)}  ${String(summary.answers).padEnd(7)}  ${summary.comments}`;
}
