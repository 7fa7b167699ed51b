import { describe, expect, it, vi } from 'vitest';
import { ModelCallError, type ModelErrorCode } from '../errors.js';
import type { ModelClient, ModelEvent, ModelRequest, ModelUsage } from '../model/ports.js';
import { describeErrorForUser } from '../reply/describe-error-for-user.js';
import { textBlocks } from '../model/content-block.js';
import type { Logger } from '../shared/ports.js';
import { foldTurnOutcome, startingOutcome } from './fold-turn-outcome.js';
import { streamAnswer, type StreamAnswerOptions } from './stream-answer.js';
import type { TurnEvent } from './turn-event.js';

/** The turn's outcome as the runner folds it from the events, read as text. */
interface AnswerOutcome {
  text: string;
  status: string;
  usage?: ModelUsage;
  stopReason?: string;
  error?: { code: string };
}

const usage: ModelUsage = { inputTokens: 120, outputTokens: 7, cacheReadTokens: 900, cacheWriteTokens: 30 };
const request: ModelRequest = {
  model: 'claude-test',
  system: 'You are a test agent.',
  messages: [{ role: 'user', content: textBlocks('hi') }],
  maxTokens: 100,
};

/** One scripted model attempt: gets the attempt's signal, yields events or throws. */
type Attempt = (signal: AbortSignal) => AsyncGenerator<ModelEvent>;

interface FakeModel extends ModelClient {
  /** Signal of every `stream` call, in order. */
  signals: AbortSignal[];
  /** Whether each call's signal was already aborted when the call was made. */
  abortedAtStart: boolean[];
}

function fakeModel(...attempts: Attempt[]): FakeModel {
  const signals: AbortSignal[] = [];
  const abortedAtStart: boolean[] = [];
  return {
    signals,
    abortedAtStart,
    stream(sentRequest, signal) {
      expect(sentRequest).toBe(request);
      const attempt = attempts[signals.length] ?? attempts.at(-1);
      signals.push(signal);
      abortedAtStart.push(signal.aborted);
      if (!attempt) throw new Error('no scripted attempt');
      return attempt(signal);
    },
  };
}

function answer(...texts: string[]): Attempt {
  return async function* () {
    for (const text of texts) yield { type: 'text-delta', text };
    yield { type: 'message-end', stopReason: 'end_turn', usage, content: textBlocks(texts.join('')), requestId: 'req_1' };
  };
}

function failWith(code: ModelErrorCode, retryable: boolean, retryAfterMs?: number): Attempt {
  return async function* () {
    throw new ModelCallError(code, `fake ${code}`, retryable, { retryAfterMs });
  };
}

/** Yields the texts, then waits until aborted and throws like the Anthropic adapter does. */
function textThenHang(...texts: string[]): Attempt {
  return async function* (signal) {
    for (const text of texts) yield { type: 'text-delta', text };
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    throw new ModelCallError('model_aborted', 'Model request aborted', false);
  };
}

function silentLogger(): Logger & { warn: ReturnType<typeof vi.fn> } {
  const logger = {
    debug: vi.fn(),
    info: vi.fn(),
    warn: vi.fn(),
    error: vi.fn(),
    child: () => logger,
  };
  return logger;
}

interface Run {
  events: TurnEvent[];
  outcome: AnswerOutcome;
  attempts: number[];
  firstTokens: number;
}

function options(model: ModelClient, overrides: Partial<StreamAnswerOptions> = {}): StreamAnswerOptions {
  return {
    model,
    request,
    signal: new AbortController().signal,
    logger: silentLogger(),
    stallTimeoutMs: 1000,
    retryBudgetMs: 1000,
    maxAttempts: 4,
    thinkingStatus: 'is thinking…',
    ...overrides,
  };
}

async function run(
  model: ModelClient,
  overrides: Partial<StreamAnswerOptions> = {},
  onEvent?: (event: TurnEvent, events: TurnEvent[]) => void,
): Promise<Run> {
  const attempts: number[] = [];
  let firstTokens = 0;
  const events: TurnEvent[] = [];
  const stream = streamAnswer(
    options(model, {
      onFirstToken: () => {
        firstTokens += 1;
      },
      ...overrides,
      onAttempt: (attempt) => {
        attempts.push(attempt);
        overrides.onAttempt?.(attempt);
      },
    }),
  );
  for await (const event of stream) {
    events.push(event);
    onEvent?.(event, events);
  }
  const folded = events.reduce(foldTurnOutcome, startingOutcome);
  const outcome: AnswerOutcome = { text: folded.shownText, status: folded.status, usage: folded.usage, stopReason: folded.stopReason, error: folded.error };
  return { events, outcome, attempts, firstTokens };
}

function lastEvent(events: TurnEvent[]): TurnEvent {
  const last = events.at(-1);
  if (!last) throw new Error('no events');
  return last;
}

function turnError(events: TurnEvent[]): Extract<TurnEvent, { type: 'turn-error' }> {
  const last = lastEvent(events);
  if (last.type !== 'turn-error') throw new Error(`expected turn-error, got ${JSON.stringify(last)}`);
  return last;
}

function retryStatuses(events: TurnEvent[]): string[] {
  return events.flatMap((event) => (event.type === 'status' && event.text.includes('retrying') ? [event.text] : []));
}

describe('streamAnswer', () => {
  it('passes text through and ends with turn-end carrying the usage', async () => {
    const model = fakeModel(answer('Hello', ', ', 'world'));
    const { events, outcome, attempts, firstTokens } = await run(model);

    expect(events).toEqual([
      { type: 'status', text: 'is thinking…' },
      { type: 'text-delta', text: 'Hello' },
      { type: 'text-delta', text: ', ' },
      { type: 'text-delta', text: 'world' },
      { type: 'turn-end', stopReason: 'end_turn', usage, content: textBlocks('Hello, world'), notice: undefined },
    ]);
    expect(outcome).toEqual({ text: 'Hello, world', status: 'complete', usage, stopReason: 'end_turn' });
    expect(attempts).toEqual([1]);
    expect(firstTokens).toBe(1);
    expect(model.signals).toHaveLength(1);
    expect(model.signals[0]?.aborted).toBe(false);
  });

  it('continues a response that ended with pause_turn by sending it back as it is, adding up usage', async () => {
    const requests: ModelRequest[] = [];
    const searched = [
      { type: 'tool-use' as const, id: 'srvtoolu_1', name: 'web_search', input: { query: 'redis 8' }, server: true },
      { type: 'tool-result' as const, toolUseId: 'srvtoolu_1', content: '', server: true },
    ];
    const model: ModelClient = {
      async *stream(sent) {
        requests.push(sent);
        if (requests.length === 1) {
          yield { type: 'tool-call', id: 'srvtoolu_1', name: 'web_search', input: { query: 'redis 8' }, server: true };
          yield { type: 'tool-result', toolUseId: 'srvtoolu_1', server: true, isError: false, sources: [{ url: 'https://redis.io', title: 'Redis' }] };
          yield { type: 'message-end', stopReason: 'pause_turn', usage, content: searched };
          return;
        }
        yield { type: 'text-delta', text: 'Redis 8 adds vector sets.' };
        yield { type: 'message-end', stopReason: 'end_turn', usage, content: textBlocks('Redis 8 adds vector sets.') };
      },
    };
    const { events, outcome } = await run(model);
    expect(requests).toHaveLength(2);
    expect(requests[1]?.messages.at(-1)).toEqual({ role: 'assistant', content: searched });
    expect(events.map((event) => event.type)).toEqual(['status', 'tool-call', 'tool-result', 'text-delta', 'turn-end']);
    const end = lastEvent(events);
    expect(end.type === 'turn-end' && end.content).toEqual([...searched, ...textBlocks('Redis 8 adds vector sets.')]);
    expect(outcome).toMatchObject({ status: 'complete', stopReason: 'end_turn', usage: { inputTokens: 240, outputTokens: 14, cacheReadTokens: 1800, cacheWriteTokens: 60 } });
  });

  it('shows what the model writes between tool calls (thinking after a tool), never the reasoning before', async () => {
    const model: ModelClient = {
      async *stream() {
        yield { type: 'thinking-delta', text: 'The person wants release notes; search first.' };
        yield { type: 'tool-call', id: 'srvtoolu_1', name: 'web_search', input: { query: 'redis 8' }, server: true };
        yield { type: 'tool-result', toolUseId: 'srvtoolu_1', server: true, isError: false, sources: [] };
        yield { type: 'thinking-delta', text: 'Found the notes; ' };
        yield { type: 'thinking-delta', text: 'summarising.' };
        yield { type: 'text-delta', text: 'Redis 8 adds vector sets.' };
        yield { type: 'message-end', stopReason: 'end_turn', usage, content: textBlocks('Redis 8 adds vector sets.') };
      },
    };
    const { events, outcome } = await run(model);
    const shown = events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : []));
    expect(shown).toEqual(['Found the notes; ', 'summarising.', '\n\nRedis 8 adds vector sets.']);
    expect(events.some((event) => event.type === 'thinking-delta')).toBe(true);
    expect(outcome.text).not.toContain('search first');
  });

  it('treats an error event from the model like a thrown error (typed, retried when retryable)', async () => {
    const model = fakeModel(
      async function* () {
        yield { type: 'error', error: new ModelCallError('model_overloaded', 'overloaded', true, { retryAfterMs: 0 }) };
      },
      answer('Back.'),
    );
    const { outcome, attempts } = await run(model);
    expect(attempts).toEqual([1, 2]);
    expect(outcome).toMatchObject({ status: 'complete', text: 'Back.' });
  });

  it('adds a notice when the answer hits the length limit', async () => {
    const model = fakeModel(async function* (): AsyncGenerator<ModelEvent> {
      yield { type: 'text-delta', text: 'Part one' };
      yield { type: 'message-end', stopReason: 'max_tokens', usage, content: textBlocks('Part one') };
    });
    const { events, outcome } = await run(model);
    const end = lastEvent(events);
    expect(end.type).toBe('turn-end');
    expect(end.type === 'turn-end' && end.notice).toContain('length limit');
    expect(outcome.status).toBe('complete');
    expect(outcome.stopReason).toBe('max_tokens');
  });

  it('retries a busy model before any text, says so, then succeeds', async () => {
    const logger = silentLogger();
    const model = fakeModel(failWith('model_overloaded', true, 5), answer('Fine now'));
    const { events, outcome, attempts } = await run(model, { logger });

    expect(events[0]).toEqual({ type: 'status', text: 'is thinking…' });
    const retries = retryStatuses(events);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toContain('busy');
    expect(retries[0]).toContain('try 2 of 4');
    expect(events.filter((event) => event.type === 'text-delta')).toEqual([{ type: 'text-delta', text: 'Fine now' }]);
    expect(lastEvent(events).type).toBe('turn-end');
    expect(outcome.status).toBe('complete');
    expect(outcome.text).toBe('Fine now');
    expect(outcome.error).toBeUndefined();
    expect(attempts).toEqual([1, 2]);
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  it('gives up after maxAttempts with the user wording as the notice', async () => {
    const model = fakeModel(failWith('model_overloaded', true, 5));
    const { events, outcome, attempts } = await run(model, { maxAttempts: 3, retryBudgetMs: 60_000 });

    expect(attempts).toEqual([1, 2, 3]);
    expect(model.signals).toHaveLength(3);
    expect(retryStatuses(events)).toHaveLength(2);
    const error = turnError(events);
    expect(error.error.code).toBe('model_overloaded');
    expect(error.retryable).toBe(true);
    expect(error.notice).toBe(`⚠️ ${describeErrorForUser(error.error)}`);
    expect(error.notice).toContain('overloaded');
    expect(outcome.status).toBe('failed');
    expect(outcome.text).toBe('');
    expect(outcome.error?.code).toBe('model_overloaded');
    expect(outcome.usage).toEqual({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });
  });

  it('stops retrying when the retry budget would be exceeded', async () => {
    // Waits of 5 ms on a clock that moves only by the waits: 5 + 5 fit in 12 ms, a third wait would not.
    let virtualNow = 0;
    const model = fakeModel(failWith('model_rate_limited', true, 5));
    const { events, outcome, attempts } = await run(model, {
      maxAttempts: 10,
      retryBudgetMs: 12,
      now: () => virtualNow,
      onAttempt: (attempt) => {
        virtualNow = (attempt - 1) * 5;
      },
    });
    expect(attempts).toEqual([1, 2, 3]);
    expect(retryStatuses(events)).toHaveLength(2);
    expect(turnError(events).error.code).toBe('model_rate_limited');
    expect(outcome.status).toBe('failed');
  });

  it('does not retry when the wait alone exceeds the budget', async () => {
    const model = fakeModel(failWith('model_overloaded', true, 5_000), answer('never'));
    const started = Date.now();
    const { events, attempts } = await run(model, { retryBudgetMs: 1_000 });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(attempts).toEqual([1]);
    expect(retryStatuses(events)).toEqual([]);
    expect(turnError(events).error.code).toBe('model_overloaded');
  });

  it('does not retry a rejected API key', async () => {
    const model = fakeModel(failWith('model_auth_failed', false), answer('never'));
    const { events, outcome, attempts } = await run(model);

    expect(attempts).toEqual([1]);
    expect(retryStatuses(events)).toEqual([]);
    const error = turnError(events);
    expect(error.error.code).toBe('model_auth_failed');
    expect(error.retryable).toBe(false);
    expect(error.notice).toBe(`⚠️ ${describeErrorForUser(error.error)}`);
    expect(error.notice).toContain('API key');
    expect(outcome.status).toBe('failed');
    expect(outcome.error?.code).toBe('model_auth_failed');
  });

  it('does not retry once text was shown, and reports the answer as interrupted', async () => {
    const model = fakeModel(
      async function* () {
        yield { type: 'text-delta', text: 'The first half' };
        throw new ModelCallError('model_overloaded', 'overloaded mid-stream', true, { retryAfterMs: 5 });
      },
      answer('never'),
    );
    const { events, outcome, attempts } = await run(model);

    expect(attempts).toEqual([1]);
    expect(retryStatuses(events)).toEqual([]);
    const error = turnError(events);
    expect(error.notice.startsWith('⚠️ _Answer interrupted:')).toBe(true);
    expect(error.notice).toContain(describeErrorForUser(error.error));
    expect(outcome.status).toBe('interrupted');
    expect(outcome.text).toBe('The first half');
    expect(outcome.error?.code).toBe('model_overloaded');
  });

  it('treats a stream that ends without message-end as a lost connection', async () => {
    const model = fakeModel(async function* () {
      yield { type: 'text-delta', text: 'partial' };
    });
    const { events, outcome } = await run(model);
    expect(turnError(events).error.code).toBe('model_connection_lost');
    expect(outcome.status).toBe('interrupted');
    expect(outcome.text).toBe('partial');
  });

  it('wraps an unexpected error as a typed model error', async () => {
    const model = fakeModel(async function* () {
      yield { type: 'text-delta', text: 'a' };
      throw new TypeError('socket hang up');
    });
    const { events, outcome } = await run(model);
    const error = turnError(events);
    expect(error.error).toBeInstanceOf(ModelCallError);
    expect(error.error.code).toBe('model_connection_lost');
    expect(error.notice).not.toContain('socket hang up');
    expect(outcome.error?.code).toBe('model_connection_lost');
  });

  it('cuts off a stalled stream and aborts the model call', async () => {
    let sawAbort = false;
    const model = fakeModel(async function* (signal) {
      signal.addEventListener('abort', () => {
        sawAbort = true;
      });
      yield { type: 'text-delta', text: 'Thinking about' };
      await new Promise(() => {}); // never yields again
    });
    const started = Date.now();
    const { events, outcome, attempts } = await run(model, { stallTimeoutMs: 50 });

    expect(Date.now() - started).toBeLessThan(1_000);
    expect(attempts).toEqual([1]);
    const error = turnError(events);
    expect(error.error.code).toBe('model_stalled');
    expect(error.notice.startsWith('⚠️ _Answer interrupted:')).toBe(true);
    expect(sawAbort).toBe(true);
    expect(model.signals[0]?.aborted).toBe(true);
    expect(outcome.status).toBe('interrupted');
    expect(outcome.text).toBe('Thinking about');
    expect(outcome.error?.code).toBe('model_stalled');
  });

  it('gives up on a model that never starts answering once the retry budget is spent, stalls included', async () => {
    const model = fakeModel(async function* () {
      await new Promise(() => {});
    });
    // Each silent attempt would wait 1 s; the 120 ms budget bounds the whole wait instead.
    const started = Date.now();
    const { events, outcome, attempts } = await run(model, { stallTimeoutMs: 1_000, retryBudgetMs: 120, maxAttempts: 4 });
    expect(Date.now() - started).toBeLessThan(1_000);
    const error = turnError(events).error;
    expect(error.code).toBe('model_no_response');
    expect(error.details.waitedMs).toBeGreaterThanOrEqual(100);
    expect(turnError(events).notice).toContain('did not start answering');
    expect(attempts.length).toBeGreaterThanOrEqual(1);
    expect(model.signals.every((signal) => signal.aborted)).toBe(true);
    expect(outcome.status).toBe('failed');
  });

  it('says why it retries: could not connect, no answer yet, busy', async () => {
    const model = fakeModel(failWith('model_unreachable', true, 1), failWith('model_no_response', true, 1), failWith('model_overloaded', true, 1), answer('ok'));
    const { events } = await run(model, { retryBudgetMs: 10_000 });
    expect(retryStatuses(events)).toEqual([
      expect.stringContaining('could not connect to Claude, retrying'),
      expect.stringContaining('no answer from Claude yet, retrying'),
      expect.stringContaining('Claude is busy, retrying'),
    ]);
  });

  it('stops when the outer signal aborts mid-answer', async () => {
    const controller = new AbortController();
    const model = fakeModel(textThenHang('Some words'), answer('never'));
    const { events, outcome, attempts } = await run(model, { signal: controller.signal, stallTimeoutMs: 5_000 }, (event) => {
      if (event.type === 'text-delta') controller.abort();
    });

    expect(attempts).toEqual([1]);
    expect(model.signals[0]?.aborted).toBe(true);
    const error = turnError(events);
    expect(error.error.code).toBe('model_aborted');
    expect(error.retryable).toBe(false);
    expect(error.notice).toContain('stopped');
    expect(outcome.status).toBe('interrupted');
    expect(outcome.text).toBe('Some words');
  });

  it('reports a stop during a retry wait as stopped, without waiting it out', async () => {
    const controller = new AbortController();
    const model = fakeModel(failWith('model_overloaded', true, 10_000), answer('never'));
    const started = Date.now();
    const { events, outcome, attempts } = await run(
      model,
      { signal: controller.signal, retryBudgetMs: 60_000 },
      (event) => {
        if (event.type === 'status' && event.text.includes('retrying')) controller.abort();
      },
    );

    expect(Date.now() - started).toBeLessThan(1_000);
    expect(attempts).toEqual([1]);
    expect(turnError(events).error.code).toBe('model_aborted');
    expect(outcome.status).toBe('failed');
    expect(outcome.error?.code).toBe('model_aborted');
  });

  it('hands the model an aborted signal when stopped before the call starts', async () => {
    const controller = new AbortController();
    const model = fakeModel(textThenHang(), answer('never'));
    const { events, outcome } = await run(model, { signal: controller.signal, stallTimeoutMs: 5_000 }, (event) => {
      if (event.type === 'status') controller.abort();
    });

    expect(model.abortedAtStart).toEqual([true]);
    expect(turnError(events).error.code).toBe('model_aborted');
    expect(outcome.status).toBe('failed');
  });

  it('offers a retry with failures that trying again may fix, never with rejected requests or stops', async () => {
    const retryOffer = { turnId: 'C1-1.0', teamId: 'T1', threadTs: '1.0', question: 'hi' };
    const midAnswer = await run(fakeModel(async function* () {
      yield { type: 'text-delta', text: 'Half' } as ModelEvent;
      throw new ModelCallError('model_connection_lost', 'dropped', true);
    }), { retryOffer });
    expect(turnError(midAnswer.events)).toMatchObject({ retryable: true, retry: retryOffer });

    const rejected = await run(fakeModel(failWith('model_auth_failed', false)), { retryOffer });
    expect(turnError(rejected.events).retry).toBeUndefined();

    const controller = new AbortController();
    const stopped = await run(fakeModel(textThenHang('Some')), { retryOffer, signal: controller.signal }, (event) => {
      if (event.type === 'text-delta') controller.abort();
    });
    expect(turnError(stopped.events).retry).toBeUndefined();
  });

  it('gives up at once when the server asks for a wait longer than the remaining budget', async () => {
    const model = fakeModel(failWith('model_overloaded', true, 30_000), answer('never'));
    const { events, attempts } = await run(model, { retryBudgetMs: 1000 });
    expect(attempts).toEqual([1]);
    expect(turnError(events).error.code).toBe('model_overloaded');
  });

  it('produces exactly one terminal event, always last', async () => {
    const scenarios: FakeModel[] = [
      fakeModel(answer('ok')),
      fakeModel(failWith('model_invalid_request', false)),
      fakeModel(failWith('model_server_error', true, 1), answer('ok')),
    ];
    for (const model of scenarios) {
      const { events } = await run(model);
      const terminal = events.filter((event) => event.type === 'turn-end' || event.type === 'turn-error');
      expect(terminal).toHaveLength(1);
      expect(events.at(-1)).toBe(terminal[0]);
    }
  });
});
