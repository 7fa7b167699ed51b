/**
 * Decides what the crew can do with one file a person shared, from the Slack `files` object
 * alone — before a byte is downloaded. Reading is cheap to refuse and expensive to undo, so
 * every refusal here (too big, unreadable kind, not visible to the bot) is decided on metadata
 * and carries a reason worded for the person.
 *
 * Kinds follow what Claude reads natively: text goes in as text (inside the delimiters for
 * untrusted material), PDFs as document blocks, PNG/JPEG/GIF/WebP as image blocks.
 */

/** The fields of a Slack file object this decision needs (see Slack's `file` object). */
export interface SharedFileMeta {
  id: string;
  name?: string;
  mimetype?: string;
  filetype?: string;
  size?: number;
  /** `hosted`, `snippet`, `post`, `external`, `tombstone` (deleted) … */
  mode?: string;
  /** Slack Connect: `visible`, `check_file_info`, `access_denied`. */
  file_access?: string;
  url_private?: string;
  url_private_download?: string;
}

export type ReadableKind = 'text' | 'image' | 'pdf';

export interface FileLimits {
  /** Largest text file read, in bytes. */
  maxTextBytes: number;
  /** Largest image read, in bytes (the Messages API refuses images over 5 MB). */
  maxImageBytes: number;
  /** Largest PDF read, in bytes. */
  maxPdfBytes: number;
}

export const defaultFileLimits: FileLimits = {
  maxTextBytes: 512 * 1024,
  maxImageBytes: 5 * 1024 * 1024,
  maxPdfBytes: 20 * 1024 * 1024,
};

export type SkipReason = 'deleted' | 'no_access' | 'external' | 'unsupported_type' | 'too_large' | 'no_download_url';

export type FileDecision =
  | { read: true; kind: ReadableKind; mediaType: string; url: string; maxBytes: number }
  | { read: false; reason: SkipReason };

const imageTypes: Record<string, string> = {
  'image/png': 'image/png',
  'image/jpeg': 'image/jpeg',
  'image/jpg': 'image/jpeg',
  'image/gif': 'image/gif',
  'image/webp': 'image/webp',
};

/** Slack `filetype` values that are text whatever mimetype Slack guessed. */
const textFiletypes = new Set([
  'text', 'markdown', 'post', 'space', 'json', 'yaml', 'csv', 'tsv', 'sql', 'diff', 'patch', 'log', 'xml', 'html',
  'javascript', 'typescript', 'python', 'go', 'rust', 'java', 'kotlin', 'scala', 'ruby', 'php', 'c', 'cpp', 'csharp',
  'shell', 'bash', 'powershell', 'dockerfile', 'terraform', 'toml', 'ini', 'graphql', 'protobuf', 'swift', 'elixir',
  'erlang', 'haskell', 'lua', 'perl', 'r', 'clojure', 'groovy', 'css', 'scss', 'vue', 'svelte', 'jsx', 'tsx', 'plsql',
  'puppet', 'makefile', 'nginx', 'properties', 'dart', 'ocaml', 'fsharp', 'matlab', 'vb', 'verilog', 'vhdl',
]);

const textMimeTypes = new Set([
  'application/json', 'application/x-yaml', 'application/yaml', 'application/xml', 'application/sql',
  'application/x-sh', 'application/javascript', 'application/typescript', 'application/x-ndjson', 'application/toml',
]);

function isText(meta: SharedFileMeta): boolean {
  if (meta.mode === 'snippet' || meta.mode === 'post') return true;
  if (meta.filetype && textFiletypes.has(meta.filetype.toLowerCase())) return true;
  const mime = meta.mimetype?.toLowerCase() ?? '';
  return mime.startsWith('text/') || textMimeTypes.has(mime);
}

export function classifySharedFile(meta: SharedFileMeta, limits: FileLimits = defaultFileLimits): FileDecision {
  if (meta.mode === 'tombstone') return { read: false, reason: 'deleted' };
  if (meta.file_access === 'access_denied' || meta.file_access === 'check_file_info') return { read: false, reason: 'no_access' };
  if (meta.mode === 'external') return { read: false, reason: 'external' };
  const url = meta.url_private_download ?? meta.url_private;
  const mime = meta.mimetype?.toLowerCase() ?? '';
  let kind: ReadableKind;
  let mediaType: string;
  let maxBytes: number;
  if (imageTypes[mime]) {
    kind = 'image';
    mediaType = imageTypes[mime];
    maxBytes = limits.maxImageBytes;
  } else if (mime === 'application/pdf' || meta.filetype === 'pdf') {
    kind = 'pdf';
    mediaType = 'application/pdf';
    maxBytes = limits.maxPdfBytes;
  } else if (isText(meta)) {
    kind = 'text';
    mediaType = 'text/plain';
    maxBytes = limits.maxTextBytes;
  } else {
    return { read: false, reason: 'unsupported_type' };
  }
  if (meta.size !== undefined && meta.size > maxBytes) return { read: false, reason: 'too_large' };
  if (!url) return { read: false, reason: 'no_download_url' };
  return { read: true, kind, mediaType, url, maxBytes };
}
