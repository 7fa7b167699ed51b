import type { ContentBlock } from '../model/content-block.js';
import type { SharedFileRef } from '../files/shared-file-ref.js';
import type { TurnJob } from '../queue/turn-job.js';

/** The question as the model reads it and the thread stores it: the files shared with it first (Anthropic's advice for documents), then the text. */
export function questionBlocks(job: Pick<TurnJob, 'files'>, questionText: string, seededFiles: readonly SharedFileRef[] = []): ContentBlock[] {
  const files: ContentBlock[] = [...seededFiles, ...(job.files ?? [])].map((file) => ({ type: 'file', file }));
  return [...files, { type: 'text', text: questionText }];
}
