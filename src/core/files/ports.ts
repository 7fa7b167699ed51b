import type { SharedFileRef } from './shared-file-ref.js';

/** Why a file could not be read when the request was built. */
export type FileReadFailure = 'no_access' | 'not_found' | 'too_large' | 'foreign_host' | 'unreadable';

export type FileContent =
  | { ok: true; kind: 'text'; text: string; bytes: number }
  | { ok: true; kind: 'image'; base64: string; bytes: number }
  /** `pages`: the page count read from the file, when it could be. */
  | { ok: true; kind: 'pdf'; base64: string; bytes: number; pages?: number }
  | { ok: false; reason: FileReadFailure };

/** Fetches a shared file's content (the Slack adapter downloads it with the bot token). */
export interface SharedFileReader {
  read(ref: SharedFileRef, signal?: AbortSignal): Promise<FileContent>;
}
