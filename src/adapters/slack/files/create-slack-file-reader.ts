import type { FileContent, SharedFileReader } from '../../../core/files/ports.js';
import type { SharedFileRef } from '../../../core/files/shared-file-ref.js';
import { downloadSlackFile, slackFileHosts } from './download-slack-file.js';

/** Reads shared files from Slack with the bot token (`files:read`), from Slack's file hosts only. */
export function createSlackFileReader(options: { botToken: string; allowedHosts?: readonly string[] }): SharedFileReader {
  return {
    async read(ref: SharedFileRef, signal?: AbortSignal): Promise<FileContent> {
      const result = await downloadSlackFile({
        url: ref.url,
        token: options.botToken,
        maxBytes: ref.maxBytes,
        allowedHosts: options.allowedHosts ?? slackFileHosts,
        expectHtml: ref.name.toLowerCase().endsWith('.html'),
        ...(signal ? { signal } : {}),
      });
      if (!result.ok) {
        const reason = result.reason === 'no_access' || result.reason === 'not_found' || result.reason === 'too_large' || result.reason === 'foreign_host' ? result.reason : 'unreadable';
        return { ok: false, reason };
      }
      const bytes = result.bytes.length;
      if (ref.kind === 'text') return { ok: true, kind: 'text', text: result.bytes.toString('utf8'), bytes };
      if (ref.kind === 'image') return { ok: true, kind: 'image', base64: result.bytes.toString('base64'), bytes };
      const pages = countPdfPages(result.bytes);
      return { ok: true, kind: 'pdf', base64: result.bytes.toString('base64'), bytes, ...(pages > 0 ? { pages } : {}) };
    },
  };
}

/**
 * Pages of a PDF, counted from its page objects (`/Type /Page`, not `/Pages`). Compressed object
 * streams can hide them; 0 then means "not known" and the size-based estimate stands.
 */
export function countPdfPages(bytes: Buffer): number {
  return (bytes.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}
