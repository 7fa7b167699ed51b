import { describe, expect, it, vi } from 'vitest';
import { silentLogger, testAgent } from '../../../test/helpers/test-fixtures.js';
import { createMemoryChannelDefaults } from '../../adapters/memory/memory-channel-defaults.js';
import { createMemoryDeliveryGuard } from '../../adapters/memory/memory-delivery-guard.js';
import { createAgentRegistry } from '../agents/agent-registry.js';
import { createChannelAgentReader } from '../channels/create-channel-agent-reader.js';
import type { ChannelDefaults } from '../channels/ports.js';
import { StoreUnavailableError } from '../errors.js';
import type { TurnQueue } from '../queue/ports.js';
import type { TurnJob } from '../queue/turn-job.js';
import type { QuestionRequest } from './question-request.js';
import { createQuestionIntake } from './submit-question.js';

let sequence = 0;

async function setUp(options: { stored?: string; defaults?: ChannelDefaults } = {}) {
  const registry = createAgentRegistry([testAgent('backend-architect', ['architect']), testAgent('security-engineer', ['security']), testAgent('sre')]);
  const defaults = options.defaults ?? createMemoryChannelDefaults();
  if (options.stored) await defaults.set({ teamId: 'T1', channelId: 'C1' }, { agentName: options.stored, setBy: 'U9', setAt: 1 });
  const queued: TurnJob[] = [];
  const queue: TurnQueue = {
    enqueue: async (job) => (queued.push(job), { waitingAhead: 0 }),
    start: () => undefined,
    stop: async () => undefined,
    runningCount: () => 0,
    waitingCount: async () => queued.length,
  };
  const intake = createQuestionIntake({
    registry,
    guard: createMemoryDeliveryGuard(),
    queue,
    logger: silentLogger(),
    maxQuestionChars: 1_000,
    botHandle: () => '@crew',
    channelAgents: createChannelAgentReader({ defaults, registry, logger: silentLogger() }),
  });
  function question(fields: Partial<QuestionRequest> = {}): QuestionRequest {
    sequence += 1;
    const ts = `1700000000.${String(sequence).padStart(6, '0')}`;
    return {
      source: 'mention',
      jobId: `C1-${ts}`,
      teamId: 'T1',
      channelId: 'C1',
      messageTs: ts,
      threadTs: ts,
      userId: 'U1',
      text: 'how should we shard?',
      agent: { parse: true },
      isDirectMessage: false,
      deliveryIds: [`message:C1:${ts}`],
      receivedAt: 0,
      replies: { tellPrivately: async () => undefined },
      ...fields,
    };
  }
  return { intake, queued, question };
}

describe('the intake applies the channel default (/crew use)', () => {
  it('gives a question naming no agent the channel default, for the turn to bind to a new thread', async () => {
    const { intake, queued, question } = await setUp({ stored: 'security-engineer' });
    await intake.submit(question());
    expect(queued[0]).toMatchObject({ defaultAgentName: 'security-engineer' });
    expect(queued[0]?.agentName).toBeUndefined();
  });

  it('leaves a named agent alone, and DMs on the crew default', async () => {
    const { intake, queued, question } = await setUp({ stored: 'security-engineer' });
    await intake.submit(question({ text: 'sre is the pager quiet?' }));
    await intake.submit(question({ isDirectMessage: true, channelId: 'D1' }));
    expect(queued[0]).toMatchObject({ agentName: 'sre' });
    expect(queued[0]?.defaultAgentName).toBeUndefined();
    expect(queued[1]?.agentName).toBeUndefined();
    expect(queued[1]?.defaultAgentName).toBeUndefined();
  });

  it('opens a /crew thread under the channel default when the command named nobody', async () => {
    const { intake, queued, question } = await setUp({ stored: 'security' });
    const openThread = vi.fn(async () => ({ threadTs: '1700000001.000001' }));
    await intake.submit(question({ source: 'command', threadTs: undefined, messageTs: undefined, agent: { parse: false }, openThread }));
    expect(openThread).toHaveBeenCalledWith('how should we shard?', 'security-engineer');
    expect(queued[0]).toMatchObject({ threadTs: '1700000001.000001', defaultAgentName: 'security-engineer' });
  });

  it("answers with the crew's default when the channel's agent left the crew", async () => {
    const { intake, queued, question } = await setUp({ stored: 'retired-agent' });
    const openThread = vi.fn(async () => ({ threadTs: '1700000001.000002' }));
    await intake.submit(question({ source: 'command', threadTs: undefined, messageTs: undefined, agent: { parse: false }, openThread }));
    expect(openThread).toHaveBeenCalledWith('how should we shard?', 'backend-architect');
    expect(queued[0]?.defaultAgentName).toBeUndefined();
  });

  it('treats an unreachable store as the store being down: nothing queued, the claim released for the retry', async () => {
    let reachable = false;
    const flaky: ChannelDefaults = {
      get: async () => {
        if (!reachable) throw new StoreUnavailableError('Redis is down');
        return undefined;
      },
      set: async () => undefined,
      clear: async () => undefined,
    };
    const { intake, queued, question } = await setUp({ defaults: flaky });
    const request = question();
    await expect(intake.submit(request)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(queued).toEqual([]);
    reachable = true;
    // Slack's redelivery of the same message is taken, not dropped as a duplicate.
    expect(await intake.submit(request)).toMatchObject({ status: 'queued' });
  });
});
