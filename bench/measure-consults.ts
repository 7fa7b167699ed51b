import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildMentionEvent, buildMessageEvent } from '../test/e2e/slack-event-builders.js';
import type { FakeAnthropicApi } from '../test/fakes/fake-anthropic-api.js';
import type { BenchRow } from './bench-row.js';
import { formatNumber, median, percentile, pollUntil } from './bench-stats.js';
import { billedInputTokens } from './measure-cache-cost.js';
import { startBenchCrew } from './start-bench-crew.js';

/** A lead that consults a security engineer and may search the web; both with role prompts long enough to cache. */
function writeCrew(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'crew-bench-consults-'));
  const role = (who: string) => `You are the ${who} of the crew. ${'Explain trade-offs, name risks, and give concrete next steps. '.repeat(60)}`;
  writeFileSync(path.join(dir, 'lead.md'), `---\nname: lead\ndescription: Triages and consults.\ntools: Agent(security-engineer), WebSearch\n---\n${role('engineering lead')}\n`);
  writeFileSync(path.join(dir, 'security-engineer.md'), `---\nname: security-engineer\ndescription: Security reviews.\n---\n${role('security engineer')}\n`);
  return dir;
}

/** One turn with one consult: the lead calls the tool, security answers, the lead answers. */
function scriptTurn(anthropic: FakeAnthropicApi, turn: number): void {
  anthropic.enqueueReply({
    blocks: [
      { type: 'text', text: `Turn ${turn}: let me ask security. ` },
      { type: 'tool_use', name: 'consult_crew_member', input: { member: 'security-engineer', question: `Is design ${turn} safe to ship?` } },
    ],
  });
  anthropic.enqueueReply({ tokens: 150 });
  anthropic.enqueueReply({ tokens: 300 });
}

/** Runs a thread of `turns` turns, each with one consult; returns the fake's requests and usage. */
async function runThread(turns: number, promptCaching: boolean) {
  const agentsDir = writeCrew();
  const bench = await startBenchCrew({ promptCaching, env: { AGENTS_DIR: agentsDir, DEFAULT_AGENT: 'lead' } });
  const { slack, anthropic } = bench;
  if (!slack || !anthropic) throw new Error('in-process fakes expected');
  try {
    let threadTs = '';
    for (let turn = 1; turn <= turns; turn += 1) {
      scriptTurn(anthropic, turn);
      const text = `question ${turn}: how should we roll out change ${turn} across both regions?`;
      const event = turn === 1 ? buildMentionEvent({ text, channel: 'C960' }) : buildMessageEvent({ channelType: 'channel', text, channel: 'C960', threadTs });
      if (turn === 1) threadTs = event.event.ts as string;
      await bench.postEvent(event);
      const answered = await pollUntil(() => anthropic.requests.length >= turn * 3 && anthropic.requests.every((request) => request.completedAt !== undefined), 15_000, 2);
      if (!answered) throw new Error(`turn ${turn} was not answered`);
      await pollUntil(async () => !(await bench.redis.listKeys()).some((key) => key.includes(':lock:{') || key.includes(':pending:{')), 5000, 5);
    }
    return { requests: [...anthropic.requests], usage: anthropic.usageTotals() };
  } finally {
    await bench.close();
    rmSync(agentsDir, { recursive: true, force: true });
  }
}

/**
 * (g) What a consult adds beyond the model's own time: from the end of the response that asks
 * for the consult to the consulted member's request, plus from the end of the consult's answer to
 * the request that carries its result back. (h) Billed input tokens of a thread with tools and one
 * consult per turn, caching on ÷ off.
 */
export async function measureConsults(options: { turns: number }): Promise<BenchRow[]> {
  const cached = await runThread(options.turns, true);
  const overheads: number[] = [];
  for (let turn = 0; turn < options.turns; turn += 1) {
    const [asks, consult, resumes] = cached.requests.slice(turn * 3, turn * 3 + 3);
    if (!asks?.completedAt || !consult?.completedAt || !resumes) continue;
    overheads.push(consult.receivedAt - asks.completedAt + (resumes.receivedAt - consult.completedAt));
  }
  const uncached = await runThread(options.turns, false);
  const ratio = billedInputTokens(cached.usage) / billedInputTokens(uncached.usage);
  return [
    {
      section: 'g',
      figure: `overhead a consult adds beyond the model's own time (${overheads.length} consults): tool call → consult request, consult answer → result sent back`,
      p50: `${formatNumber(median(overheads))} ms`,
      p99: `${formatNumber(percentile(overheads, 99))} ms`,
      target: 'p50 ≤ 50 ms',
      met: median(overheads) <= 50,
    },
    {
      section: 'h',
      figure: `billed input tokens of a ${options.turns}-turn thread with tools and one consult per turn, caching on ÷ off`,
      p50: formatNumber(ratio, 3),
      target: '≤ 0.35',
      met: ratio <= 0.35,
      note: `on: ${Math.round(billedInputTokens(cached.usage)).toLocaleString('en-US')} billed; off: ${Math.round(billedInputTokens(uncached.usage)).toLocaleString('en-US')}`,
    },
  ];
}
