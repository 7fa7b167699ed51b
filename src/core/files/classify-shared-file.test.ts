import { describe, expect, it } from 'vitest';
import { classifySharedFile, defaultFileLimits } from './classify-shared-file.js';

const base = { id: 'F1', url_private: 'https://files.slack.com/files-pri/T1-F1/x', url_private_download: 'https://files.slack.com/files-pri/T1-F1/download/x', mode: 'hosted' };

describe('classifySharedFile', () => {
  it('reads SQL, JSON, YAML and snippets as text', () => {
    for (const file of [
      { ...base, filetype: 'sql', mimetype: 'application/octet-stream', size: 2_000 },
      { ...base, filetype: 'json', mimetype: 'application/json', size: 2_000 },
      { ...base, filetype: 'yaml', mimetype: 'application/octet-stream', size: 2_000 },
      { ...base, mode: 'snippet', filetype: 'unknownlang', size: 100 },
      { ...base, filetype: 'binary', mimetype: 'text/csv', size: 100 },
    ]) {
      expect(classifySharedFile(file)).toMatchObject({ read: true, kind: 'text', url: base.url_private_download });
    }
  });

  it('reads PNG, JPEG, GIF and WebP as images with their media type', () => {
    expect(classifySharedFile({ ...base, mimetype: 'image/png', size: 10 })).toMatchObject({ read: true, kind: 'image', mediaType: 'image/png' });
    expect(classifySharedFile({ ...base, mimetype: 'image/jpg', size: 10 })).toMatchObject({ kind: 'image', mediaType: 'image/jpeg' });
    expect(classifySharedFile({ ...base, mimetype: 'image/webp', size: 10 })).toMatchObject({ kind: 'image', mediaType: 'image/webp' });
    expect(classifySharedFile({ ...base, mimetype: 'image/tiff', size: 10 })).toEqual({ read: false, reason: 'unsupported_type' });
  });

  it('reads PDFs as documents', () => {
    expect(classifySharedFile({ ...base, mimetype: 'application/pdf', filetype: 'pdf', size: 10 })).toMatchObject({ read: true, kind: 'pdf', mediaType: 'application/pdf' });
  });

  it('skips binaries, oversized, deleted, external and restricted files on metadata alone', () => {
    expect(classifySharedFile({ ...base, mimetype: 'application/zip', filetype: 'zip', size: 10 })).toEqual({ read: false, reason: 'unsupported_type' });
    expect(classifySharedFile({ ...base, mimetype: 'image/png', size: defaultFileLimits.maxImageBytes + 1 })).toEqual({ read: false, reason: 'too_large' });
    expect(classifySharedFile({ id: 'F2', mode: 'tombstone' })).toEqual({ read: false, reason: 'deleted' });
    expect(classifySharedFile({ ...base, mode: 'external', mimetype: 'application/pdf' })).toEqual({ read: false, reason: 'external' });
    expect(classifySharedFile({ ...base, file_access: 'check_file_info', mimetype: 'text/plain' })).toEqual({ read: false, reason: 'no_access' });
    expect(classifySharedFile({ id: 'F3', mimetype: 'text/plain', size: 3 })).toEqual({ read: false, reason: 'no_download_url' });
  });
});
