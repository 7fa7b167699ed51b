import type { SharedFileRef } from '../files/shared-file-ref.js';
import type { ContentBlock } from '../model/content-block.js';
import type { ModelMessage } from '../model/ports.js';
import type { Reply } from '../reply/ports.js';
import type { Logger } from '../shared/ports.js';
import { appendText } from './history-content.js';
import type { TokenEstimator } from './estimate-tokens.js';

/**
 * Keeps a question's files within what the request can hold. When the question with its files
 * would not fit the input limit on its own, the largest files are left out, one at a time,
 * until it does; each is named to the agent in the question (so it does not pretend to have
 * read it) and returned so the person can be told. History is trimmed after this, as always.
 */
export function fitQuestionFiles(question: readonly ContentBlock[], roomTokens: number, estimator: TokenEstimator): { question: ContentBlock[]; leftOut: SharedFileRef[] } {
  let kept = [...question];
  const leftOut: SharedFileRef[] = [];
  while (estimator.estimateContent(kept) > roomTokens) {
    const files = kept.filter((block): block is Extract<ContentBlock, { type: 'file' }> => block.type === 'file');
    if (files.length === 0) break;
    const largest = files.reduce((a, b) => ((b.file.size ?? b.file.maxBytes) > (a.file.size ?? a.file.maxBytes) ? b : a));
    kept = kept.filter((block) => block !== largest);
    leftOut.push(largest.file);
  }
  if (leftOut.length === 0) return { question: kept, leftOut };
  const names = leftOut.map((file) => file.name).join(', ');
  return { question: appendText(kept, `\n\n[Shared with this question but left out, too large for the context window: ${names}.]`), leftOut };
}

/** Files of the thread's history that the built request no longer carries (trimmed with their exchanges). */
export function filesLeftOutOfHistory(historyContent: readonly (readonly ContentBlock[])[], messages: readonly ModelMessage[]): SharedFileRef[] {
  const sent = new Set<string>();
  for (const message of messages) for (const block of message.content) if (block.type === 'file') sent.add(block.file.fileId);
  const left = new Map<string, SharedFileRef>();
  for (const content of historyContent) for (const block of content) if (block.type === 'file' && !sent.has(block.file.fileId)) left.set(block.file.fileId, block.file);
  return [...left.values()];
}

/** Tells the person which files the answer could not take into account (a task on the reply), and logs their ids. */
export function showLeftOutFiles(reply: Reply, files: readonly SharedFileRef[], logger: Logger): void {
  if (files.length === 0) return;
  logger.info({ leftOutFiles: files.map((file) => file.fileId) }, 'files left out to fit the context');
  reply.progress({ id: 'files-left-out', title: 'Files left out to fit the context', status: 'complete', details: files.map((file) => file.name).join(', ') });
}
