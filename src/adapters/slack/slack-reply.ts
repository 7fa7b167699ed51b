import type { ProgressItem, Reply, ReplyEnding, ReplyStop, ReplyTarget, RetryOffer } from '../../core/reply/ports.js';
import type { Logger } from '../../core/shared/ports.js';
import type { SlackAgentSessions } from './slack-agent-sessions.js';
import { SlackAnswerStream, type AnswerEnding, type SlackAnswerStreamOptions } from './slack-answer-stream.js';

/** What a {@link SlackReply} needs beyond the stream's own options. */
export interface SlackReplyOptions extends Omit<SlackAnswerStreamOptions, 'hooks'> {
  /** Runs once the answer is closed and Slack refused it: tell the asker where anything can still be shown. */
  reportUndeliverable(target: ReplyTarget, stream: SlackAnswerStream, logger: Logger): Promise<void>;
  /** The first message of the answer exists in Slack (metrics). */
  onFirstVisibleText?: (agent: string, sinceTurnStartMs: number) => void;
  /** The thread's agent session: `processing` from open, `active` once closed. */
  sessions?: SlackAgentSessions;
  /** Runs once the answer is closed (the sink forgets it then). */
  onClosed?: () => void;
  /** The session was set `active` (answered, waiting for the next question). */
  onSessionActive?: () => void;
  now: () => number;
}

/**
 * One answer in a Slack thread, push-only: each push goes to the answer stream, which owns the
 * buffering and pacing. Stop presses and refusals surface as the `stopped` signal.
 */
export class SlackReply implements Reply {
  readonly messageTs: string[] = [];
  private readonly stopController = new AbortController();
  private readonly stream: SlackAnswerStream;
  private closed?: Promise<void>;
  private ended = false;
  /** Waiters of `messagesAfter`, woken when a message starts or the answer closes. */
  private waiters: Array<() => void> = [];

  constructor(private readonly options: SlackReplyOptions) {
    this.stream = new SlackAnswerStream({
      ...options,
      hooks: {
        onMessageStarted: (ts) => {
          if (this.messageTs.length === 0) this.firstTextVisible(ts);
          this.messageTs.push(ts);
          this.wake();
        },
        onStopRequested: () => this.stop(),
      },
    });
    this.session = this.startSession();
  }

  /** The session update that opened this answer (`processing`, with its title when it is new). */
  private readonly session: Promise<void>;

  private async startSession(): Promise<void> {
    const { sessions, target, logger } = this.options;
    if (!sessions) return;
    const title = target.sessionTitle;
    const reported = await sessions.setStatus(target, 'processing', { title });
    // An existing session keeps its title on setStatus: give it the question's.
    if (title && reported && reported.title !== title) await sessions.rename(target, title);
    if (reported) logger.debug({ titled: title !== undefined }, 'agent session processing');
  }

  /**
   * The person pressed Stop on the thread's agent session (heard on any replica): the answer
   * stops like a Stop on the stream, except that its open message is ended with the note.
   */
  stopForSession(): void {
    this.stream.stopBySession();
  }

  get stopped(): AbortSignal {
    return this.stopController.signal;
  }

  status(text: string): void {
    void this.stream.showStatus(text);
  }

  text(delta: string): void {
    this.stream.push(delta);
  }

  progress(item: ProgressItem): void {
    this.stream.pushProgress(item);
  }

  async messagesAfter(known: number): Promise<readonly string[] | undefined> {
    while (this.messageTs.length <= known && !this.ended) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.messageTs.length > known ? [...this.messageTs] : undefined;
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  finish(ending: ReplyEnding = {}): Promise<void> {
    return this.end(ending);
  }

  fail(notice: string, retry?: RetryOffer): Promise<void> {
    return this.end({ notice, failed: true, ...(retry ? { retry } : {}) });
  }

  private end(ending: AnswerEnding): Promise<void> {
    this.closed ??= this.close(ending);
    return this.closed;
  }

  private async close(ending: AnswerEnding): Promise<void> {
    await this.stream.finish(ending);
    // Follow-up messages (notices, the Retry button) belong to the answer too.
    for (const ts of this.stream.messageTs) if (!this.messageTs.includes(ts)) this.messageTs.push(ts);
    this.ended = true;
    this.wake();
    this.options.onClosed?.();
    // Answered, stopped or failed: the session waits for the next question either way.
    await this.session;
    if (await this.options.sessions?.setStatus(this.options.target, 'active')) this.options.onSessionActive?.();
    if (this.stream.failure) {
      this.stop();
      await this.options.reportUndeliverable(this.options.target, this.stream, this.options.logger);
    }
  }

  private stop(): void {
    if (this.stopController.signal.aborted) return;
    const reason: ReplyStop = this.stream.failure
      ? { kind: 'refused', shownText: this.stream.deliveredText, failure: this.stream.failure }
      : { kind: 'stopped-by-user', shownText: this.stream.deliveredText };
    this.stopController.abort(reason);
  }

  private firstTextVisible(ts: string): void {
    const { target, logger } = this.options;
    const sinceStartMs = target.turnStartedAt === undefined ? 0 : this.options.now() - target.turnStartedAt;
    this.options.onFirstVisibleText?.(target.agent.name, sinceStartMs);
    logger.info({ sinceStartMs, messageTs: ts }, 'first text visible');
  }
}
