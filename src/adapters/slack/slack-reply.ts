import type { ProgressItem, Reply, ReplyEnding, ReplyStop, ReplyTarget, RetryOffer } from '../../core/reply/ports.js';
import type { Logger } from '../../core/shared/ports.js';
import { SlackAnswerStream, type AnswerEnding, type SlackAnswerStreamOptions } from './slack-answer-stream.js';

/** What a {@link SlackReply} needs beyond the stream's own options. */
export interface SlackReplyOptions extends Omit<SlackAnswerStreamOptions, 'hooks'> {
  /** Runs once the answer is closed and Slack refused it: tell the asker where anything can still be shown. */
  reportUndeliverable(target: ReplyTarget, stream: SlackAnswerStream, logger: Logger): Promise<void>;
  /** The first message of the answer exists in Slack (metrics). */
  onFirstVisibleText?: (agent: string, sinceTurnStartMs: number) => void;
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
