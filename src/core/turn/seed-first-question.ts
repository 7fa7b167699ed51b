import type { Logger } from '../shared/ports.js';
import type { EarlierThreadMessages, ThreadHistoryReader, UserDirectory } from '../thread/ports.js';
import type { ThreadKey } from '../thread/thread-key.js';
import { formatAuthor } from './format-author.js';
import { neutralizeUntrustedTags, quoteUntrusted } from './quote-untrusted.js';
import { chooseReadableFiles, type QuestionFileLimits } from '../files/choose-readable-files.js';
import type { SharedFileRef } from '../files/shared-file-ref.js';
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
  /** Limits on the earlier messages' files (default `defaultQuestionFileLimits`). */
  fileLimits?: QuestionFileLimits;
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
  return (await seedFirstTurn(options)).text;
}

/** The seeded question and the files shared in the earlier messages that the crew can read (kept with the turn, like the question's own). */
export interface SeededTurn {
  text: string;
  files: SharedFileRef[];
}

/** {@link seedFirstQuestion}, with the readable files of the earlier messages. */
export async function seedFirstTurn(options: SeedFirstQuestionOptions): Promise<SeededTurn> {
  const { reader, key, question, messageTs } = options;
  const unseeded = { text: question, files: [] };
  if (!reader || options.hasHistory || messageTs === undefined || messageTs === key.threadTs) return unseeded;
  let earlier: EarlierThreadMessages;
  try {
    earlier = await reader.readEarlierMessages(key, messageTs);
  } catch (error) {
    options.logger.warn({ err: error }, 'could not read the thread’s earlier messages; answering without them');
    return unseeded;
  }
  if (earlier.messages.length === 0) return unseeded;
  options.logger.info({ seededMessages: earlier.messages.length, omittedMessages: earlier.omittedCount }, 'thread seeded from its earlier messages');
  const authors = earlier.messages.filter((message) => !message.isBot || message.authorName === undefined).map((message) => message.authorId);
  const names = await resolveDisplayNames(options.directory, key.teamId, [...(options.askerId ? [options.askerId] : []), ...authors]);
  const chosen = chooseReadableFiles(earlier.messages.flatMap((message) => message.files ?? []), options.fileLimits);
  if (chosen.read.length + chosen.skipped.length > 0) options.logger.info({ seededFiles: chosen.read.length, skippedFiles: chosen.skipped.map(({ fileId, reason }) => ({ fileId, reason })) }, 'files of the earlier messages');
  const skipped = new Map(chosen.skipped.map((file) => [file.fileId, file.reason]));
  return { text: `${renderEarlierMessages(earlier, key.threadTs, names, options.askerId, skipped)}\n\n${question}`, files: chosen.read };
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
  skippedFiles: ReadonlyMap<string, string> = new Map(),
): string {
  const lines = ['[Earlier messages in this thread, before you were asked (oldest first):]'];
  const gap = `[… ${earlier.omittedCount} more earlier message(s) not shown]`;
  earlier.messages.forEach((message, index) => {
    if (index === 0 && message.ts !== rootTs && earlier.omittedCount > 0) lines.push(gap);
    // A bot's post shows its own name (e.g. another crew agent's); people are named by the directory.
    const author = formatAuthor(message.authorId, (message.isBot ? message.authorName : undefined) ?? names.get(message.authorId));
    lines.push(quoteUntrusted({ source: message.isBot ? 'slack-bot' : 'slack-message', author, text: message.text }));
    // Which message a file came with; the readable ones are attached to the turn (before the text).
    for (const file of message.files ?? []) {
      const name = neutralizeUntrustedTags(file.name ?? file.id);
      const reason = skippedFiles.get(file.id);
      lines.push(reason === undefined ? `[${author} shared the file ${name}; it is attached above.]` : `[${author} shared the file ${name}; it was not read (${reason.replace(/_/g, ' ')}).]`);
    }
    if (index === 0 && message.ts === rootTs && earlier.omittedCount > 0) lines.push(gap);
  });
  const asker = askerId === undefined ? '' : `, from ${formatAuthor(askerId, names.get(askerId))}`;
  lines.push(`[End of earlier messages. The question to you follows${asker}.]`);
  return lines.join('\n');
}
