import { describe, expect, it, vi } from 'vitest';
import { createMemoryDeliveryGuard } from '../../adapters/memory/memory-delivery-guard.js';
import { createMemoryRateLimiter } from '../../adapters/memory/memory-rate-limiter.js';
import { createAgentRegistry } from '../agents/agent-registry.js';
import type { Agent } from '../agents/agent.js';
import { StoreUnavailableError } from '../errors.js';
import type { ReplySink } from '../reply/ports.js';
import { createQuestionHandler, cutWithoutSplittingCharacters, type QuestionHandlerOptions } from './create-question-handler.js';
import { createQuestionIntake } from './create-question-intake.js';
import type { IncomingQuestion } from './incoming-question.js';
import type { DeliveryGuard } from './ports.js';
import type { Logger } from '../shared/ports.js';
import type { TurnJob } from '../queue/turn-job.js';
import type { TurnQueue } from '../queue/ports.js';

const architect: Agent = {
  name: 'backend-architect',
  description: 'Designs backends.',
  prompt: 'You are an architect.',
  model: 'inherit',
  aliases: ['architect'],
  displayName: 'Backend Architect',
  suggestedPrompts: [],
  tools: [],
  sourceFile: 'agents/backend-architect.md',
};

function silentLogger(): Logger {
  const logger: Logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn(), child: () => logger };
  return logger;
}

function recordingSink() {
  const notices: string[] = [];
  const privateNotices: string[] = [];
  const sink: ReplySink = {
    deliver: async () => ({ deliveredText: '', messageTs: [], stoppedByUser: false }),
    postNotice: async (_target, text) => void notices.push(text),
    postPrivateNotice: async (_target, text) => void privateNotices.push(text),
    markAbandoned: async () => undefined,
  };
  return { sink, notices, privateNotices };
}

function setUp(overrides: Partial<QuestionHandlerOptions> & { queueFails?: boolean } = {}) {
  const queued: TurnJob[] = [];
  const queue: TurnQueue = {
    async enqueue(job) {
      if (overrides.queueFails) throw new StoreUnavailableError('Could not queue the turn job');
      queued.push(job);
      return { waitingAhead: 0 };
    },
    start: () => undefined,
    stop: async () => undefined,
    runningCount: () => 0,
    waitingCount: async () => queued.length,
  };
  const guard = overrides.guard ?? createMemoryDeliveryGuard();
  const { sink, notices, privateNotices } = recordingSink();
  const refused: string[] = [];
  const handle = createQuestionHandler({
    registry: createAgentRegistry([architect]),
    intake: createQuestionIntake({ guard, queue, logger: silentLogger() }),
    guard,
    sink,
    logger: silentLogger(),
    maxQuestionChars: 100,
    botHandle: '@architect',
    onRefused: (_agent, reason) => refused.push(reason),
    ...overrides,
  });
  return { handle, queued, notices, privateNotices, refused };
}

function question(fields: Partial<IncomingQuestion> = {}): IncomingQuestion {
  return {
    source: 'mention',
    teamId: 'T1',
    channelId: 'C1',
    messageTs: '1700000000.000100',
    threadTs: '1700000000.000100',
    userId: 'U1',
    text: 'how should we shard?',
    isDirectMessage: false,
    deliveryIds: ['event:Ev1', 'message:C1:1700000000.000100'],
    receivedAt: 0,
    ...fields,
  };
}

describe('createQuestionHandler', () => {
  it('refuses a foreign workspace before touching the store, and says nothing', async () => {
    const claim = vi.fn(async () => true);
    const guard: DeliveryGuard = { claim, release: async () => undefined };
    const { handle, queued, notices, privateNotices, refused } = setUp({ guard, accessPolicy: { allowedTeamIds: ['T1'] } });
    expect(await handle(question({ teamId: 'T9' }))).toBe('refused');
    expect(claim).not.toHaveBeenCalled();
    expect(queued).toEqual([]);
    expect([...notices, ...privateNotices]).toEqual([]);
    expect(refused).toEqual(['team_not_allowed']);
  });

  it('tells the asker privately once when the channel is not allowed', async () => {
    const { handle, queued, privateNotices } = setUp({ accessPolicy: { allowedChannelIds: ['C2'] } });
    expect(await handle(question())).toBe('refused');
    expect(await handle(question({ deliveryIds: ['event:Ev2', 'message:C1:1700000000.000100'] }))).toBe('duplicate');
    expect(privateNotices).toHaveLength(1);
    expect(privateNotices[0]).toContain("isn't enabled in this channel");
    expect(queued).toEqual([]);
  });

  it('refuses past the rate limit with a private note; retries of that question neither count nor repeat the note', async () => {
    const { handle, queued, privateNotices, refused } = setUp({
      rateLimiter: createMemoryRateLimiter(),
      rateLimit: { burst: 1, perMinute: 1 },
    });
    expect(await handle(question())).toBe('queued');
    expect(await handle(question())).toBe('duplicate');
    const second = question({ messageTs: '1700000000.000200', deliveryIds: ['event:Ev3', 'message:C1:1700000000.000200'] });
    expect(await handle(second)).toBe('refused');
    expect(await handle(second)).toBe('duplicate');
    expect(queued).toHaveLength(1);
    expect(privateNotices).toEqual(["⏳ You're asking faster than I can keep up. Please try again in about 60 seconds."]);
    expect(refused).toEqual(['rate_limited']);
  });

  it('answers a file shared without text with a note that files are not read, and queues nothing', async () => {
    const { handle, queued, notices } = setUp();
    expect(await handle(question({ text: '', attachedFileCount: 1 }))).toBe('usage-hint');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain("I can't read files yet");
    expect(queued).toEqual([]);
  });

  it('when the store is down: tells the asker in the thread once per message, and rethrows so Slack redelivers', async () => {
    const { handle, notices, refused } = setUp({ queueFails: true });
    await expect(handle(question())).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(handle(question())).rejects.toBeInstanceOf(StoreUnavailableError);
    await vi.waitFor(() => expect(notices).toHaveLength(1));
    expect(notices[0]).toContain("I can't reach my memory store right now");
    expect(refused).toEqual(['store_unavailable']);
  });

  it('still sends the usage hint when the store is unreachable', async () => {
    const guard: DeliveryGuard = {
      claim: async () => {
        throw new StoreUnavailableError('down');
      },
      release: async () => undefined,
    };
    const { handle, notices } = setUp({ guard });
    expect(await handle(question({ text: '   ' }))).toBe('usage-hint');
    expect(await handle(question({ text: '   ' }))).toBe('duplicate');
    expect(notices).toHaveLength(1);
  });

  it('trims an over-long question with a note to the model and one to the asker', async () => {
    const { handle, queued, privateNotices } = setUp();
    await handle(question({ text: 'x'.repeat(150) }));
    expect(queued[0]?.text).toBe(`${'x'.repeat(100)}\n\n[The rest of this message (50 characters) was cut off because it was too long.]`);
    expect(privateNotices).toEqual(['Your message was 150 characters long; I read the first 100.']);
  });
});

describe('cutWithoutSplittingCharacters', () => {
  it('never cuts an emoji in half', () => {
    expect(cutWithoutSplittingCharacters('ab😀cd', 3)).toBe('ab');
    expect(cutWithoutSplittingCharacters('ab😀cd', 4)).toBe('ab😀');
    expect(cutWithoutSplittingCharacters('short', 10)).toBe('short');
  });
});
