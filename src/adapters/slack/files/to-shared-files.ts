import type { SharedFileMeta } from '../../../core/files/classify-shared-file.js';

/** The fields of Slack's `files` objects the crew decides on; anything malformed is dropped. */
export function toSharedFiles(files: unknown[] | undefined): SharedFileMeta[] {
  if (!Array.isArray(files)) return [];
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return files.flatMap((file) => {
    const f = file as Record<string, unknown> | null;
    const id = text(f?.id);
    if (!f || !id) return [];
    const meta: SharedFileMeta = { id };
    for (const key of ['name', 'mimetype', 'filetype', 'mode', 'file_access', 'url_private', 'url_private_download'] as const) {
      const value = text(f[key]);
      if (value !== undefined) meta[key] = value;
    }
    if (typeof f.size === 'number') meta.size = f.size;
    return [meta];
  });
}
