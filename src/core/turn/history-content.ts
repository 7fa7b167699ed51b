import type { ContentBlock } from '../model/content-block.js';

/**
 * How stored blocks go back to the model as history. Text stays as it is (byte for byte, so the
 * cached prefix holds). A past turn's tool calls and results are not re-sent as tool blocks: the
 * history then needs no tool definitions, and a web search result of thousands of tokens is not
 * paid for on every later turn. They become one short text line each, which keeps what was
 * asked of whom; thinking is the model's scratch work and is dropped.
 */
export function toHistoryContent(blocks: readonly ContentBlock[]): ContentBlock[] {
  const content: ContentBlock[] = [];
  for (const block of blocks) {
    if (block.type === 'file') {
      content.push(block);
      continue;
    }
    const text = historyTextOf(block);
    if (text === undefined) continue;
    const last = content.at(-1);
    if (last?.type === 'text') content[content.length - 1] = { type: 'text', text: last.text + text };
    else content.push({ type: 'text', text });
  }
  return content.length > 0 ? content : [{ type: 'text', text: '' }];
}

function historyTextOf(block: ContentBlock): string | undefined {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'thinking':
    case 'file':
    case 'image':
    case 'document':
      return undefined;
    case 'tool-use':
      return `\n[Called ${block.name} with ${JSON.stringify(block.input)}]\n`;
    case 'tool-result':
      return block.server ? undefined : `\n[Result: ${block.content}]\n`;
  }
}

/** Puts `text` in front of the blocks (merged into a leading text block, so one text stays one block). */
export function prependText(text: string, blocks: readonly ContentBlock[]): ContentBlock[] {
  if (text === '') return [...blocks];
  const [first, ...rest] = blocks;
  if (first?.type === 'text') return [{ type: 'text', text: text + first.text }, ...rest];
  return [{ type: 'text', text }, ...blocks];
}

/** Appends `text` after the blocks (merged into a trailing text block). */
export function appendText(blocks: readonly ContentBlock[], text: string): ContentBlock[] {
  const last = blocks.at(-1);
  if (last?.type === 'text') return [...blocks.slice(0, -1), { type: 'text', text: last.text + text }];
  return [...blocks, { type: 'text', text }];
}

/** Characters the blocks weigh for token estimates (non-text blocks by their JSON). */
export function measureContentChars(blocks: readonly ContentBlock[]): number {
  let chars = 0;
  for (const block of blocks) chars += block.type === 'text' ? block.text.length : block.type === 'file' ? estimatedFileChars(block.file) : JSON.stringify(block).length;
  return chars;
}

/** Anthropic's sizing: an image resized to at most ~1.15 megapixels costs at most about 1,600 tokens. */
const IMAGE_TOKENS = 1_600;
/** Anthropic's sizing: a PDF page costs 1,500–3,000 tokens (its text plus the page as an image); the top is used. */
export const PDF_TOKENS_PER_PAGE = 3_000;
/** Pages are not known before the file is read; a page of a typical PDF is about 50 KB. */
const PDF_BYTES_PER_PAGE = 50 * 1024;
/** The Messages API reads at most 100 pages of a PDF. */
const PDF_MAX_PAGES = 100;

/** Pages a PDF of this size is taken to have (at least 1, at most the API's 100). */
export function estimatedPdfPages(bytes: number): number {
  return Math.min(PDF_MAX_PAGES, Math.max(1, Math.ceil(bytes / PDF_BYTES_PER_PAGE)));
}

/**
 * What a shared file weighs before it is read, in characters (the estimator's ~4 per token):
 * text by its size (or its limit); an image and each PDF page by Anthropic's published sizing,
 * at its upper end. Rough on purpose and high rather than low: it keeps a thread with files from
 * pushing the request past the context window.
 */
function estimatedFileChars(file: { kind: string; maxBytes: number; size?: number }): number {
  if (file.kind === 'image') return IMAGE_TOKENS * 4;
  if (file.kind === 'pdf') return estimatedPdfPages(file.size ?? file.maxBytes) * PDF_TOKENS_PER_PAGE * 4;
  return file.size ?? file.maxBytes;
}
