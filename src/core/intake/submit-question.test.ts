import { describe, expect, it, vi } from 'vitest';
import { silentLogger, testAgent } from '../../../test/helpers/test-fixtures.js';
import { createMemoryDeliveryGuard } from '../../adapters/memory/memory-delivery-guard.js';
import { createMemoryRateLimiter } from '../../adapters/memory/memory-rate-limiter.js';
import { createAgentRegistry } from '../agents/agent-registry.js';
import { StoreUnavailableError } from '../errors.js';
import type { TurnQueue } from '../queue/ports.js';
import type { TurnJob } from '../queue/turn-job.js';
import { cutWithoutSplittingCharacters } from './bound-question-text.js';
import type { DeliveryGuard } from './ports.js';
import type { QuestionRequest } from './question-request.js';
import { createQuestionIntake, type QuestionIntakeOptions } from './submit-question.js';

const agent = (name: string, aliases: string[] = []) => testAgent(name, aliases, { description: `${name} things.`, displayName: name });


function setUp(overrides: Partial<QuestionIntakeOptions> & { queueFails?: boolean } = {}) {
  const queued: TurnJob[] = [];
  const queue: TurnQueue = {
    async enqueue(job) {
      if (overrides.queueFails) throw new StoreUnavailableError('Could not queue the turn job');
      const waitingAhead = queued.filter((other) => other.threadTs === job.threadTs).length;
      queued.push(job);
      return { waitingAhead };
    },
    start: () => undefined,
    stop: async () => undefined,
    runningCount: () => 0,
    waitingCount: async () => queued.length,
  };
  const guard = overrides.guard ?? createMemoryDeliveryGuard();
  const refused: string[] = [];
  const intake = createQuestionIntake({
    registry: createAgentRegistry([agent('backend-architect', ['architect']), agent('security-engineer', ['security'])]),
    guard,
    queue,
    logger: silentLogger(),
    maxQuestionChars: 100,
    botHandle: () => '@architect',
    onRefused: (_agent, reason) => refused.push(reason),
    ...overrides,
  });
  const heard = { privately: [] as string[], inThread: [] as string[] };
  function question(fields: Partial<QuestionRequest> = {}): QuestionRequest {
    return {
      source: 'mention',
      jobId: `C1-${fields.messageTs ?? '1700000000.000100'}`,
      teamId: 'T1',
      channelId: 'C1',
      messageTs: '1700000000.000100',
      threadTs: '1700000000.000100',
      userId: 'U1',
      text: 'how should we shard?',
      agent: { parse: true },
      isDirectMessage: false,
      deliveryIds: ['event:Ev1', 'message:C1:1700000000.000100'],
      receivedAt: 0,
      replies: {
        tellPrivately: async (text) => void heard.privately.push(text),
        tellInThread: async (text) => void heard.inThread.push(text),
      },
      ...fields,
    };
  }
  return { intake, queued, heard, refused, guard, question };
}

describe('the one way in (submitQuestion)', () => {
  it('queues a question once, with the agent its first word names, and counts what waits ahead in the thread', async () => {
    const { intake, queued, question } = setUp();
    const first = await intake.submit(question({ text: 'security is this token flow safe?' }));
    expect(first).toMatchObject({ status: 'queued', waitingAhead: 0 });
    expect(queued[0]).toMatchObject({ id: 'C1-1700000000.000100', agentName: 'security-engineer', text: 'is this token flow safe?', threadTs: '1700000000.000100' });
    expect(await intake.submit(question())).toEqual({ status: 'duplicate' });
    const followUp = await intake.submit(question({ messageTs: '1700000000.000200', deliveryIds: ['event:Ev2'] }));
    expect(followUp).toMatchObject({ status: 'queued', waitingAhead: 1 });
  });

  it('treats a delivery as a duplicate when any of its ids was seen (app_mention and message.channels)', async () => {
    const { intake, queued, question } = setUp();
    await intake.submit(question({ deliveryIds: ['event:EvMention', 'message:C1:1'] }));
    expect(await intake.submit(question({ deliveryIds: ['event:EvMessage', 'message:C1:1'] }))).toEqual({ status: 'duplicate' });
    expect(queued).toHaveLength(1);
  });

  it('takes the agent as given, without reading the text, when the surface already chose it (/crew, Retry)', async () => {
    const { intake, queued, question } = setUp();
    await intake.submit(question({ agent: { parse: false, agentName: 'backend-architect' }, text: 'security first?' }));
    expect(queued[0]).toMatchObject({ agentName: 'backend-architect', text: 'security first?' });
  });

  it('refuses a foreign workspace before touching the store, and says nothing', async () => {
    const claim = vi.fn(async () => true);
    const guard: DeliveryGuard = { claim, release: async () => undefined };
    const { intake, queued, heard, refused, question } = setUp({ guard, accessPolicy: { allowedTeamIds: ['T1'] } });
    expect(await intake.submit(question({ teamId: 'T9' }))).toEqual({ status: 'refused', reason: 'team_not_allowed' });
    expect(claim).not.toHaveBeenCalled();
    expect(queued).toEqual([]);
    expect([...heard.privately, ...heard.inThread]).toEqual([]);
    expect(refused).toEqual(['team_not_allowed']);
  });

  it('tells the asker privately once when the channel is not allowed', async () => {
    const { intake, queued, heard, question } = setUp({ accessPolicy: { allowedChannelIds: ['C2'] } });
    expect(await intake.submit(question())).toMatchObject({ status: 'refused' });
    expect(await intake.submit(question({ deliveryIds: ['event:Ev2', 'message:C1:1700000000.000100'] }))).toEqual({ status: 'duplicate' });
    expect(heard.privately).toHaveLength(1);
    expect(heard.privately[0]).toContain("isn't enabled in this channel");
    expect(queued).toEqual([]);
  });

  it('refuses past the rate limit with a private note; redeliveries of that question neither count nor repeat the note', async () => {
    const { intake, queued, heard, refused, question } = setUp({ rateLimiter: createMemoryRateLimiter(), rateLimit: { burst: 1, perMinute: 1 } });
    expect(await intake.submit(question())).toMatchObject({ status: 'queued' });
    const second = question({ messageTs: '1700000000.000200', deliveryIds: ['event:Ev3', 'message:C1:1700000000.000200'] });
    expect(await intake.submit(second)).toEqual({ status: 'refused', reason: 'rate_limited' });
    expect(await intake.submit(second)).toEqual({ status: 'duplicate' });
    expect(queued).toHaveLength(1);
    expect(heard.privately).toEqual(["⏳ You're asking faster than I can keep up. Please try again in about 60 seconds."]);
    expect(refused).toEqual(['rate_limited']);
  });

  it('judges a Retry press like any question: the presser, the current channel and allowlists, the rate limit', async () => {
    const retry = (setup: ReturnType<typeof setUp>, fields: Partial<QuestionRequest> = {}) =>
      setup.intake.submit(setup.question({ source: 'retry', jobId: 'C1-retry-1', messageTs: undefined, agent: { parse: false }, deliveryIds: ['retry:C1-1'], duplicateNote: 'already retrying', ...fields }));
    const outsider = setUp({ accessPolicy: { allowedUserIds: ['U1'] } });
    expect(await retry(outsider, { userId: 'U666' })).toEqual({ status: 'refused', reason: 'user_not_allowed' });
    expect(outsider.heard.privately[0]).toContain("isn't enabled for your account");
    // The outsider's press does not use up the button for the asker.
    expect(await retry(outsider)).toMatchObject({ status: 'queued' });
    expect(await retry(outsider, { jobId: 'C1-retry-2' })).toEqual({ status: 'duplicate' });
    expect(outsider.heard.privately.at(-1)).toBe('already retrying');

    const limited = setUp({ rateLimiter: createMemoryRateLimiter(), rateLimit: { burst: 1, perMinute: 1 } });
    await limited.intake.submit(limited.question());
    expect(await retry(limited)).toEqual({ status: 'refused', reason: 'rate_limited' });
    expect(limited.queued).toHaveLength(1);
  });

  it('answers a file shared without text with a note asking for the question, in the thread, and queues nothing', async () => {
    const { intake, queued, heard, question } = setUp();
    const file = { id: 'F1', name: 'schema.sql', filetype: 'sql', size: 10, url_private: 'https://files.slack.com/files-pri/T1-F1/schema.sql' };
    expect(await intake.submit(question({ text: '', sharedFiles: [file] }))).toEqual({ status: 'usage-hint' });
    expect(heard.inThread).toHaveLength(1);
    expect(heard.inThread[0]).toContain('no question with it');
    expect(queued).toEqual([]);
  });

  it('queues the readable files of a question as references and names the skipped ones privately', async () => {
    const { intake, queued, heard, question } = setUp();
    const sql = { id: 'F1', name: 'schema.sql', filetype: 'sql', mimetype: 'text/plain', size: 120, url_private: 'https://files.slack.com/files-pri/T1-F1/schema.sql' };
    const zip = { id: 'F2', name: 'dump.zip', filetype: 'zip', mimetype: 'application/zip', size: 120, url_private: 'https://files.slack.com/files-pri/T1-F2/dump.zip' };
    const outcome = await intake.submit(question({ text: 'is this schema ok?', sharedFiles: [sql, zip] }));
    expect(outcome.status).toBe('queued');
    expect(queued[0]?.files).toEqual([{ fileId: 'F1', name: 'schema.sql', kind: 'text', mediaType: 'text/plain', url: sql.url_private, maxBytes: 512 * 1024, size: 120 }]);
    expect(heard.privately.join('\n')).toContain('`dump.zip`: I can read text, code, PDFs and PNG/JPEG/GIF/WebP images, not this type');
  });

  it('gives a usage hint with the bot’s real handle and the crew’s names for a bare mention', async () => {
    const { intake, heard, question } = setUp({ botHandle: () => '@crewbot' });
    await intake.submit(question({ text: '  ' }));
    expect(heard.inThread[0]).toContain('`@crewbot how should we model refunds?`');
    expect(heard.inThread[0]).toContain('`backend-architect`, `security-engineer`');
  });

  it('when the store is down: tells the asker in the thread once per message, releases its claims and rethrows so Slack redelivers', async () => {
    const { intake, heard, refused, question, guard } = setUp({ queueFails: true });
    await expect(intake.submit(question())).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(intake.submit(question())).rejects.toBeInstanceOf(StoreUnavailableError);
    await vi.waitFor(() => expect(heard.inThread).toHaveLength(1));
    expect(heard.inThread[0]).toContain("I can't reach my memory store right now");
    expect(refused).toEqual(['store_unavailable']);
    expect(await guard.claim('event:Ev1', 1000)).toBe(true);
  });

  it('still sends the usage hint when the store is unreachable', async () => {
    const guard: DeliveryGuard = {
      claim: async () => {
        throw new StoreUnavailableError('down');
      },
      release: async () => undefined,
    };
    const { intake, heard, question } = setUp({ guard });
    expect(await intake.submit(question({ text: '   ' }))).toEqual({ status: 'usage-hint' });
    expect(await intake.submit(question({ text: '   ' }))).toEqual({ status: 'duplicate' });
    expect(heard.inThread).toHaveLength(1);
  });

  it('trims an over-long question with a note to the model and one to the asker', async () => {
    const { intake, queued, heard, question } = setUp();
    await intake.submit(question({ text: 'x'.repeat(150) }));
    expect(queued[0]?.text).toBe(`${'x'.repeat(100)}\n\n[The rest of this message (50 characters) was cut off because it was too long.]`);
    expect(heard.privately).toEqual(['Your message was 150 characters long; I read the first 100.']);
  });

  it('opens the thread (the /crew root message) only after the trigger is claimed: a replay posts nothing', async () => {
    const { intake, queued, question } = setUp();
    const openThread = vi.fn(async () => ({ threadTs: '1700000000.000900' }));
    const command = question({ source: 'command', jobId: 'C1-command-Tr1', threadTs: undefined, messageTs: undefined, agent: { parse: false }, deliveryIds: ['command:Tr1'], openThread });
    expect(await intake.submit(command)).toMatchObject({ status: 'queued' });
    expect(await intake.submit(command)).toEqual({ status: 'duplicate' });
    expect(openThread).toHaveBeenCalledTimes(1);
    expect(queued[0]).toMatchObject({ threadTs: '1700000000.000900', source: 'command' });
  });

  it('says why when the thread cannot be opened, and queues nothing', async () => {
    const { intake, queued, heard, question } = setUp();
    const command = question({ threadTs: undefined, deliveryIds: ['command:Tr2'], openThread: async () => ({ refusal: 'Invite me first.' }) });
    expect(await intake.submit(command)).toEqual({ status: 'refused', reason: 'thread_not_opened' });
    expect(heard.privately).toEqual(['Invite me first.']);
    expect(queued).toEqual([]);
  });
});

describe('cutWithoutSplittingCharacters', () => {
  it('never cuts an emoji in half', () => {
    expect(cutWithoutSplittingCharacters('ab😀cd', 3)).toBe('ab');
    expect(cutWithoutSplittingCharacters('ab😀cd', 4)).toBe('ab😀');
    expect(cutWithoutSplittingCharacters('short', 10)).toBe('short');
  });
});
