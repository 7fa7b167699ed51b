import type { EarlierThreadMessages, ThreadHistoryReader } from '../thread/ports.js';
import type { Logger } from '../shared/ports.js';
import type { ThreadKey } from '../thread/thread-key.js';

/** What {@link seedFirstQuestion} needs. */
export interface SeedFirstQuestionOptions {
  /** Reads the platform thread; without one, nothing is seeded. */
  reader?: ThreadHistoryReader;
  key: ThreadKey;
  /** The question as the person asked it. */
  question: string;
  /** ts of the person's message (undefined when the crew posted the thread's root itself). */
  messageTs?: string;
  /** True when the store already holds an exchange of this thread. */
  hasHistory: boolean;
  logger: Logger;
}

/**
 * The first question of a thread the crew is called into mid-conversation, with the thread's
 * earlier messages in front of it, read once from the platform. Returns the question unchanged
 * when there is nothing to seed: the thread already has stored history, the question started the
 * thread (its ts is the thread's), or the read fails (logged; the turn goes on without context).
 * The caller sends and stores the returned text, so later turns keep the context without
 * reading the platform again.
 */
export async function seedFirstQuestion(options: SeedFirstQuestionOptions): Promise<string> {
  const { reader, key, question, messageTs } = options;
  if (!reader || options.hasHistory || messageTs === undefined || messageTs === key.threadTs) return question;
  let earlier: EarlierThreadMessages;
  try {
    earlier = await reader.readEarlierMessages(key, messageTs);
  } catch (error) {
    options.logger.warn({ err: error }, 'could not read the thread’s earlier messages; answering without them');
    return question;
  }
  if (earlier.messages.length === 0) return question;
  options.logger.info({ seededMessages: earlier.messages.length, omittedMessages: earlier.omittedCount }, 'thread seeded from its earlier messages');
  return `${renderEarlierMessages(earlier, key.threadTs)}\n\n${question}`;
}

/** Renders earlier thread messages as a readable block the model can tell apart from the question. */
export function renderEarlierMessages(earlier: EarlierThreadMessages, rootTs: string): string {
  const lines = ['[Earlier messages in this thread, before you were asked (oldest first):]'];
  const gap = `[… ${earlier.omittedCount} more earlier message(s) not shown]`;
  earlier.messages.forEach((message, index) => {
    if (index === 0 && message.ts !== rootTs && earlier.omittedCount > 0) lines.push(gap);
    lines.push(`${message.isBot ? `@${message.authorId} (bot)` : `@${message.authorId}`}: ${message.text}`);
    if (index === 0 && message.ts === rootTs && earlier.omittedCount > 0) lines.push(gap);
  });
  lines.push('[End of earlier messages. The question to you follows.]');
  return lines.join('\n');
}
