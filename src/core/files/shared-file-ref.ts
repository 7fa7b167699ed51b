import type { ReadableKind } from './classify-shared-file.js';

/**
 * A file a person shared, as a turn keeps it: a reference, never the bytes. The thread's record
 * stays compact and every turn fetches the file again from Slack when the request is built, so
 * a follow-up ("in that schema, which index …") sees it, and the bytes sent are the same each
 * turn (the cached prefix holds). A file that can no longer be fetched becomes a marker.
 */
export interface SharedFileRef {
  fileId: string;
  name: string;
  kind: ReadableKind;
  mediaType: string;
  url: string;
  maxBytes: number;
  /** Size Slack reported, in bytes (for the history budget before the file is read). */
  size?: number;
}
