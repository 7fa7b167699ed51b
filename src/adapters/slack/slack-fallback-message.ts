import type { SlackThreadPoster } from './slack-thread-poster.js';
import { splitMarkdown } from './split-markdown.js';

/**
 * The post-and-update fallback for when Slack refuses native streaming: the answer so far is
 * posted, then updated in place, rendered as mrkdwn; past `maxChars` it continues in a new
 * message, split at readable boundaries with code blocks closed and reopened.
 */
export class SlackFallbackMessage {
  private ts?: string;
  /** Markdown shown in the message still being updated. */
  private text = '';

  constructor(
    private readonly poster: SlackThreadPoster,
    private readonly maxChars: number,
    private readonly onMessageStarted: (ts: string) => void,
  ) {}

  /** Shows `blocks` (e.g. feedback buttons) under the last message; false when there is none. */
  async attachBlocks(blocks: unknown[]): Promise<boolean> {
    if (!this.ts) return false;
    await this.poster.updateMessage(this.ts, this.text, blocks);
    return true;
  }

  /** Appends model text (or a notice) and shows it. */
  async append(markdown: string): Promise<void> {
    const parts = splitMarkdown(this.text + markdown, this.maxChars);
    for (const [index, part] of parts.entries()) {
      if (this.ts) {
        await this.poster.updateMessage(this.ts, part);
      } else {
        this.ts = await this.poster.postMessage(part);
        this.onMessageStarted(this.ts);
      }
      this.text = part;
      if (index < parts.length - 1) {
        this.ts = undefined;
        this.text = '';
      }
    }
  }
}
