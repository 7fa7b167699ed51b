import { classifySharedFile, defaultFileLimits, type FileLimits, type SharedFileMeta } from './classify-shared-file.js';
import type { SharedFileRef } from './shared-file-ref.js';

/** Limits on the files of one question, beside each file's own limit. */
export interface QuestionFileLimits extends FileLimits {
  /** Files read per question; later ones are skipped with a note. */
  maxFiles: number;
  /** Bytes read per question, all files together (by Slack's reported sizes). */
  maxTotalBytes: number;
}

export const defaultQuestionFileLimits: QuestionFileLimits = { ...defaultFileLimits, maxFiles: 10, maxTotalBytes: 30 * 1024 * 1024 };

/** The files of a question the crew will read, and the ones it will not (with why), decided on metadata. */
export function chooseReadableFiles(
  files: readonly SharedFileMeta[],
  limits: QuestionFileLimits = defaultQuestionFileLimits,
): { read: SharedFileRef[]; skipped: { fileId: string; name: string; reason: string }[] } {
  const read: SharedFileRef[] = [];
  const skipped: { fileId: string; name: string; reason: string }[] = [];
  let total = 0;
  for (const meta of files) {
    const name = meta.name ?? meta.id;
    const decision = classifySharedFile(meta, limits);
    if (!decision.read) {
      skipped.push({ fileId: meta.id, name, reason: decision.reason });
      continue;
    }
    if (read.length >= limits.maxFiles) {
      skipped.push({ fileId: meta.id, name, reason: 'too_many' });
      continue;
    }
    const size = meta.size ?? decision.maxBytes;
    if (total + size > limits.maxTotalBytes) {
      skipped.push({ fileId: meta.id, name, reason: 'total_too_large' });
      continue;
    }
    total += size;
    read.push({ fileId: meta.id, name, kind: decision.kind, mediaType: decision.mediaType, url: decision.url, maxBytes: decision.maxBytes, ...(meta.size !== undefined ? { size: meta.size } : {}) });
  }
  return { read, skipped };
}
