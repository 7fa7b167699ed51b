import type { ByteBudget } from '../files/byte-budget.js';
import type { FileContent, SharedFileReader } from '../files/ports.js';
import type { SharedFileRef } from '../files/shared-file-ref.js';
import type { ContentBlock } from '../model/content-block.js';
import type { ModelMessage } from '../model/ports.js';
import type { Clock, Logger } from '../shared/ports.js';
import { estimatedPdfPages, PDF_TOKENS_PER_PAGE } from './history-content.js';
import { quoteUntrusted } from './quote-untrusted.js';

/** Counts each file read by kind and outcome (`crew_files_total`). */
export type FileReadCounter = (kind: string, outcome: string) => void;

const failureWords: Record<string, string> = {
  no_access: 'the crew may not see it (it may be restricted or shared from another workspace)',
  not_found: 'it was deleted',
  too_large: 'it is over the size limit',
  foreign_host: 'it is not hosted by Slack',
  unreadable: 'it could not be downloaded',
};

/** The marker that stands in for a file that could not be read: the agent knows it was there. */
function marker(file: SharedFileRef, reason: string): ContentBlock {
  return { type: 'text', text: `[File ${file.name} (${file.kind}) was shared here but could not be read: ${failureWords[reason] ?? reason}.]\n` };
}

function toBlock(file: SharedFileRef, content: FileContent): ContentBlock {
  if (!content.ok) return marker(file, content.reason);
  if (content.kind === 'text') {
    return { type: 'text', text: quoteUntrusted({ source: 'file', author: `${file.name} (${file.mediaType === 'text/plain' ? 'text' : file.mediaType})`, text: content.text }) + '\n' };
  }
  if (content.kind === 'image') return { type: 'image', mediaType: file.mediaType, base64: content.base64 };
  return { type: 'document', mediaType: 'application/pdf', base64: content.base64, title: file.name };
}

/**
 * Replaces every file reference in the request's messages by what the model reads: text inside
 * the untrusted-material delimiters, an image block, a document block, or a marker. Files are
 * read in parallel and each once per request, however often the history names it.
 */
/**
 * Copies of a file a turn holds until its answer ends, as a multiple of its size: the download,
 * base64 (4/3), the request body, the socket's buffer. Measured by bench (i), rounded up.
 */
const HELD_COPIES = 4;

export interface ResolvedFiles {
  messages: ModelMessage[];
  /** PDFs whose real page count did not fit the room left in the request (replaced by a marker). */
  leftOut: SharedFileRef[];
  /** Gives the turn's share of the file memory back; call when the answer ends. */
  release: () => void;
}

export async function resolveSharedFiles(
  messages: readonly ModelMessage[],
  reader: SharedFileReader | undefined,
  options: { logger: Logger; clock: Clock; countFile?: FileReadCounter; signal?: AbortSignal; budget?: ByteBudget; spareTokens?: number },
): Promise<ResolvedFiles> {
  const refs = new Map<string, SharedFileRef>();
  for (const message of messages) for (const block of message.content) if (block.type === 'file') refs.set(block.file.fileId, block.file);
  if (refs.size === 0) return { messages: [...messages], leftOut: [], release: () => {} };
  let bytes = 0;
  for (const file of refs.values()) bytes += (file.size ?? file.maxBytes) * HELD_COPIES;
  const waitStartedAt = options.clock.now();
  let release = () => {};
  try {
    if (options.budget) release = await options.budget.acquire(bytes, options.signal);
  } catch {
    // Stopped while waiting: nothing is read; the aborted turn ends as any stopped turn does.
    return { messages: [...messages], leftOut: [], release };
  }
  const waitedMs = options.clock.now() - waitStartedAt;
  if (waitedMs > 50) options.logger.info({ waitedMs, heldBytes: bytes }, 'waited for file memory');
  const read = new Map<string, ContentBlock>();
  const pagesRead = new Map<string, number>();
  await Promise.all(
    [...refs.values()].map(async (file) => {
      const content: FileContent = reader ? await reader.read(file, options.signal).catch(() => ({ ok: false, reason: 'unreadable' }) as const) : { ok: false, reason: 'unreadable' };
      const outcome = content.ok ? 'read' : content.reason;
      options.logger.info({ fileId: file.fileId, kind: file.kind, mediaType: file.mediaType, bytes: content.ok ? content.bytes : undefined, outcome }, 'shared file read');
      options.countFile?.(file.kind, outcome);
      read.set(file.fileId, toBlock(file, content));
      if (content.ok && content.kind === 'pdf' && content.pages !== undefined) pagesRead.set(file.fileId, Math.min(content.pages, 100));
    }),
  );
  // A PDF was weighed by its size; once read, its pages are known. Any that then do not fit the
  // room the request has left are left out (in order of reading), never sent to fail the request.
  const leftOut: SharedFileRef[] = [];
  let spare = options.spareTokens ?? Number.POSITIVE_INFINITY;
  for (const file of refs.values()) {
    const pages = pagesRead.get(file.fileId);
    if (pages === undefined) continue;
    const extra = (pages - estimatedPdfPages(file.size ?? file.maxBytes)) * PDF_TOKENS_PER_PAGE;
    if (extra <= spare) {
      spare -= Math.max(0, extra);
      continue;
    }
    leftOut.push(file);
    read.set(file.fileId, { type: 'text', text: `[File ${file.name} (pdf, ${pages} pages) was shared here but left out: too long for the context window.]\n` });
  }
  return {
    leftOut,
    messages: messages.map((message) => ({
      ...message,
      content: message.content.map((block) => (block.type === 'file' ? (read.get(block.file.fileId) ?? block) : block)),
    })),
    release,
  };
}
