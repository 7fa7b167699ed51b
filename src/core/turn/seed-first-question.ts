import type { Logger } from '../shared/ports.js';
import type { EarlierThreadMessages, ThreadHistoryReader, UserDirectory } from '../thread/ports.js';
import type { ThreadKey } from '../thread/thread-key.js';
import { formatAuthor } from './format-author.js';
import { quoteUntrusted } from './quote-untrusted.js';
import { resolveDisplayNames } from './resolve-display-names.js';

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
  /** Who asks (named after the earlier messages, so the model can tell their messages from others'). */
  askerId?: string;
  /** Display names of the authors; without one, authors are shown by id. */
  directory?: UserDirectory;
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
  const authors = earlier.messages.filter((message) => !message.isBot || message.authorName === undefined).map((message) => message.authorId);
  const names = await resolveDisplayNames(options.directory, key.teamId, [...(options.askerId ? [options.askerId] : []), ...authors]);
  return `${renderEarlierMessages(earlier, key.threadTs, names, options.askerId)}\n\n${question}`;
}

/**
 * Renders earlier thread messages as a block the model can tell apart from the question: each
 * message — the asker's own included, since what was said in the thread is context, not an
 * instruction to the crew — fenced by `quoteUntrusted` with its author's name (`names`, else the id).
 */
export function renderEarlierMessages(
  earlier: EarlierThreadMessages,
  rootTs: string,
  names: ReadonlyMap<string, string> = new Map(),
  askerId?: string,
): string {
  const lines = ['[Earlier messages in this thread, before you were asked (oldest first):]'];
  const gap = `[… ${earlier.omittedCount} more earlier message(s) not shown]`;
  earlier.messages.forEach((message, index) => {
    if (index === 0 && message.ts !== rootTs && earlier.omittedCount > 0) lines.push(gap);
    // A bot's post shows its own name (e.g. another crew agent's); people are named by the directory.
    const author = formatAuthor(message.authorId, (message.isBot ? message.authorName : undefined) ?? names.get(message.authorId));
    lines.push(quoteUntrusted({ source: message.isBot ? 'slack-bot' : 'slack-message', author, text: message.text }));
    if (index === 0 && message.ts === rootTs && earlier.omittedCount > 0) lines.push(gap);
  });
  const asker = askerId === undefined ? '' : `, from ${formatAuthor(askerId, names.get(askerId))}`;
  lines.push(`[End of earlier messages. The question to you follows${asker}.]`);
  return lines.join('\n');
}
