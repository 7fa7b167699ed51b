import { CrewError, ModelCallError } from '../errors.js';
import type { ContentBlock } from '../model/content-block.js';
import type { ModelClient, ModelEvent, ModelRequest, ModelUsage } from '../model/ports.js';
import { describeErrorForUser, formatInterruptionNotice } from '../reply/describe-error-for-user.js';
import type { RetryOffer } from '../reply/ports.js';
import type { ToolCall, ToolCallAnswerer } from './ports.js';
import type { TurnEvent } from './turn-event.js';
import type { Logger } from '../shared/ports.js';
import { sleep } from '../shared/sleep.js';

/** Tuning for one streamed answer. */
export interface StreamAnswerOptions {
  model: ModelClient;
  request: ModelRequest;
  /** Aborts the model call (stop pressed, shutdown, lock lost). */
  signal: AbortSignal;
  logger: Logger;
  /** Abort when no event arrives for this long. */
  stallTimeoutMs: number;
  /**
   * The longest the asker waits before the answer starts, all attempts, retry waits and silent
   * first-token waits included: retries stop, and a wait for the first event is cut short, once
   * it is spent. Once the answer has started, only the stall timeout applies.
   */
  retryBudgetMs: number;
  /** Epoch ms (tests); default `Date.now`. */
  now?: () => number;
  /** Most attempts before giving up (first try included). */
  maxAttempts?: number;
  /** Status text shown until the first token. */
  thinkingStatus: string;
  /** Called once per model attempt (for metrics). */
  onAttempt?: (attempt: number) => void;
  /** Called for every failed model attempt (metrics). */
  onError?: (error: CrewError) => void;
  /** Called when the first text delta arrives. */
  onFirstToken?: () => void;
  /** Offered with a failure that trying again may fix (the sink shows e.g. a Retry button). */
  retryOffer?: RetryOffer;
  /** Answers the model's client tool calls (consults); without it a `tool_use` end is the end. */
  answerToolCalls?: ToolCallAnswerer;
}

const emptyUsage: ModelUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

function toCrewError(error: unknown, signal: AbortSignal): CrewError {
  if (error instanceof CrewError) return error;
  if (signal.aborted) return new ModelCallError('model_aborted', 'The model call was aborted', false);
  return new ModelCallError('model_connection_lost', 'Unexpected model failure', true, {}, { cause: error });
}

/** Wait before the next attempt: the server's `retry-after` when given, else jittered exponential backoff. */
function backoffMs(attempt: number, error: ModelCallError): number {
  if (error.retryAfterMs !== undefined) return Math.max(0, error.retryAfterMs);
  const base = Math.min(1000 * 2 ** (attempt - 1), 8000);
  return base / 2 + Math.random() * (base / 2);
}

/** What the thread status says went wrong before a retry. */
function describeRetryCause(code: string): string {
  switch (code) {
    case 'model_unreachable':
      return 'could not connect to Claude';
    case 'model_no_response':
      return 'no answer from Claude yet';
    case 'model_connection_lost':
    case 'model_stalled':
      return 'lost the connection to Claude';
    default:
      return 'Claude is busy';
  }
}

/** The thread status while waiting to try the model again. */
function formatRetryStatus(code: string, delayMs: number, nextAttempt: number, maxAttempts: number): string {
  const why = describeRetryCause(code);
  return `is waiting: ${why}, retrying in ${Math.max(1, Math.ceil(delayMs / 1000))} s (try ${nextAttempt} of ${maxAttempts})…`;
}

/**
 * Pulls the next event, failing when none arrives within `timeoutMs`: `model_stalled` once the
 * answer has started, `model_no_response` while nothing of it has arrived yet.
 */
async function nextWithWatchdog(
  iterator: AsyncIterator<ModelEvent>,
  timeoutMs: number,
  answerStarted: boolean,
  abortModel: () => void,
): Promise<IteratorResult<ModelEvent>> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abortModel();
      reject(
        answerStarted
          ? new ModelCallError('model_stalled', `No model output for ${timeoutMs} ms`, true)
          : new ModelCallError('model_no_response', `No first model output within ${timeoutMs} ms`, true),
      );
    }, Math.max(0, timeoutMs));
  });
  try {
    return await Promise.race([iterator.next(), stalled]);
  } finally {
    clearTimeout(timer);
  }
}

/** Most continuations of one answer after `pause_turn` (a long server-tool run) or answered tool calls. */
const MAX_CONTINUATIONS = 5;

/** A `model_no_response` error carries how long the asker waited in all (its words name it). */
function withWaitedMs(error: CrewError, waitedMs: number): CrewError {
  if (!(error instanceof ModelCallError) || error.code !== 'model_no_response') return error;
  return new ModelCallError(error.code, error.message, error.retryable, { ...error.details, waitedMs }, { cause: error.cause });
}

function addUsage(total: ModelUsage, more: ModelUsage): ModelUsage {
  return {
    inputTokens: total.inputTokens + more.inputTokens,
    outputTokens: total.outputTokens + more.outputTokens,
    cacheReadTokens: total.cacheReadTokens + more.cacheReadTokens,
    cacheWriteTokens: total.cacheWriteTokens + more.cacheWriteTokens,
  };
}

/** Thinking text shown as narration: a new paragraph when it follows other text. */
function toNarration(text: string, shownText: string, continuing: boolean): TurnEvent {
  const separator = !continuing && shownText !== '' && !shownText.endsWith('\n\n') ? '\n\n' : '';
  return { type: 'text-delta', text: separator + text };
}

/** The client tool calls of a response (server tools ran at the provider already). */
function clientToolCalls(content: readonly ContentBlock[]): ToolCall[] {
  return content.flatMap((block) => (block.type === 'tool-use' && !block.server ? [{ id: block.id, name: block.name, input: block.input }] : []));
}

/**
 * Streams one answer from the model as turn events: retries a busy model (before any text was
 * shown) with backoff inside a bounded budget, aborts a stalled stream, and continues a response
 * that ended with `pause_turn` by sending it back as it is. Everything the caller needs is in the
 * events; it ends with exactly one `turn-end` or `turn-error`.
 */
export async function* streamAnswer(options: StreamAnswerOptions): AsyncGenerator<TurnEvent> {
  const maxAttempts = options.maxAttempts ?? 4;
  const now = options.now ?? Date.now;
  const startedAt = now();
  let shownText = '';
  let usage = emptyUsage;
  let content: ContentBlock[] = [];
  let request = options.request;
  let continuations = 0;
  let afterTool = false;
  let narrating = false;
  yield { type: 'status', text: options.thinkingStatus };

  for (let attempt = 1; ; attempt += 1) {
    options.onAttempt?.(attempt);
    const attemptController = new AbortController();
    const abortAttempt = () => attemptController.abort();
    options.signal.addEventListener('abort', abortAttempt, { once: true });
    if (options.signal.aborted) abortAttempt(); // stopped before this attempt began
    let failure: CrewError | undefined;
    let attemptStarted = false;
    try {
      const iterator = options.model.stream(request, attemptController.signal)[Symbol.asyncIterator]();
      for (;;) {
        const answerStarted = attemptStarted || shownText !== '' || content.length > 0;
        // Before the answer starts, the asker's whole wait is bounded by the retry budget.
        const timeoutMs = answerStarted ? options.stallTimeoutMs : Math.min(options.stallTimeoutMs, startedAt + options.retryBudgetMs - now());
        const next = await nextWithWatchdog(iterator, timeoutMs, answerStarted, abortAttempt);
        attemptStarted = true;
        if (next.done) throw new ModelCallError('model_connection_lost', 'Model stream ended without message end', true);
        const event = next.value;
        if (event.type === 'error') throw event.error;
        if (event.type !== 'message-end') {
          if (event.type === 'tool-call' || event.type === 'tool-result') afterTool = true;
          // What the model writes between tool calls comes back as thinking (5-series): it is meant
          // for the person, so it is shown; thinking before any tool call is reasoning, never shown.
          const visible =
            event.type === 'thinking-delta' && afterTool
              ? toNarration(event.text, shownText, narrating)
              : event.type === 'text-delta' && narrating
                ? { type: 'text-delta' as const, text: `\n\n${event.text}` }
                : event;
          narrating = event.type === 'thinking-delta' ? narrating || afterTool : false;
          if (visible.type === 'text-delta') {
            if (shownText === '') options.onFirstToken?.();
            shownText += visible.text;
          }
          yield visible;
          continue;
        }
        usage = addUsage(usage, event.usage);
        content = [...content, ...event.content];
        const calls = clientToolCalls(event.content);
        if (event.stopReason === 'tool_use' && calls.length > 0 && options.answerToolCalls && continuations < MAX_CONTINUATIONS && !options.signal.aborted) {
          // The model asked the crew (consults): answer, show each result, and let the model go on.
          continuations += 1;
          const answers = await options.answerToolCalls(calls, options.signal);
          const results: ContentBlock[] = answers.map((answer) => ({ type: 'tool-result', toolUseId: answer.toolUseId, content: answer.content, ...(answer.isError ? { isError: true } : {}) }));
          for (const answer of answers) {
            usage = addUsage(usage, answer.usage);
            yield { type: 'tool-result', toolUseId: answer.toolUseId, server: false, isError: answer.isError, sources: [], ...(answer.output ? { output: answer.output } : {}) };
          }
          content = [...content, ...results];
          request = { ...request, messages: [...request.messages, { role: 'assistant', content: event.content }, { role: 'user', content: results }] };
          break;
        }
        if (event.stopReason === 'pause_turn' && continuations < MAX_CONTINUATIONS && !options.signal.aborted) {
          // A long server-tool run paused: send the response back as it is and let the model go on.
          continuations += 1;
          request = { ...request, messages: [...request.messages, { role: 'assistant', content: event.content }] };
          options.logger.info({ continuations }, 'model paused its turn; continuing');
          break;
        }
        const notice = event.stopReason === 'max_tokens' ? '_(The answer hit the length limit. Ask me to continue.)_' : undefined;
        yield { type: 'turn-end', stopReason: event.stopReason, usage, content, notice };
        return;
      }
    } catch (caught) {
      failure = toCrewError(caught, options.signal);
    } finally {
      options.signal.removeEventListener('abort', abortAttempt);
    }
    if (failure === undefined) {
      attempt = 0; // a continuation is a new request with a fresh retry count
      continue;
    }
    const error = withWaitedMs(failure, now() - startedAt);
    options.onError?.(error);
    const canRetry =
      error instanceof ModelCallError && error.retryable && shownText === '' && content.length === 0 && !options.signal.aborted && attempt < maxAttempts;
    if (canRetry) {
      const delay = backoffMs(attempt, error);
      // A wait that would overrun the budget (e.g. a long retry-after) ends the retries now.
      if (now() - startedAt + delay < options.retryBudgetMs) {
        options.logger.warn(
          { code: error.code, attempt, delayMs: Math.round(delay), requestId: error.details.requestId, status: error.details.status },
          'model busy, retrying',
        );
        yield { type: 'status', text: formatRetryStatus(error.code, delay, attempt + 1, maxAttempts) };
        if (await sleep(delay, options.signal)) continue;
      }
    }
    // Stopped (e.g. during a retry wait): report the stop, not the error that led to the wait.
    const finalError =
      options.signal.aborted && error.code !== 'model_aborted'
        ? new ModelCallError('model_aborted', 'The model call was aborted', false, {}, { cause: error })
        : error;
    const retryable = finalError instanceof ModelCallError ? finalError.retryable : true;
    const offerRetry = retryable && !options.signal.aborted && options.retryOffer !== undefined;
    yield {
      type: 'turn-error',
      error: finalError,
      notice: shownText === '' ? `⚠️ ${describeErrorForUser(finalError)}` : formatInterruptionNotice(finalError),
      retryable,
      usage,
      ...(offerRetry ? { retry: options.retryOffer } : {}),
    };
    return;
  }
}
