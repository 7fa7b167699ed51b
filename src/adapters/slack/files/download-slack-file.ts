/**
 * Downloads one shared file from Slack, safely. A file URL arrives inside an event anyone in
 * the channel can shape, so the URL is never trusted on its own:
 * - only hosts on the allow-list (Slack's file hosts) are fetched, and the bot token is sent
 *   only to them; a redirect is followed by hand and refused when it leaves the list;
 * - the size is checked against the limit before the body is read (Content-Length) and again
 *   while it streams, so a file over the limit is never held whole in memory;
 * - Slack answers a request it will not serve with a 200 HTML sign-in page rather than a 403;
 *   an HTML body for a file that is not HTML is therefore read as "no access".
 */

export const slackFileHosts = ['files.slack.com', 'files-edu.slack.com', 'files-gov.slack.com'];

export type DownloadFailure = 'foreign_host' | 'too_large' | 'no_access' | 'not_found' | 'http_error' | 'network' | 'too_many_redirects';

export type DownloadResult =
  | { ok: true; bytes: Buffer; contentType: string | undefined }
  | { ok: false; reason: DownloadFailure; status?: number };

export interface DownloadOptions {
  url: string;
  token: string;
  maxBytes: number;
  /** Hosts the token may be sent to; `host:port` for loopback fakes in tests. */
  allowedHosts?: readonly string[];
  /** The file is expected to be HTML itself (then an HTML body is not a sign-in page). */
  expectHtml?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
}

const maxRedirects = 3;

function hostAllowed(url: URL, allowedHosts: readonly string[]): boolean {
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) return false;
  return allowedHosts.includes(url.host) || allowedHosts.includes(url.hostname);
}

function isLoopback(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

async function readBounded(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Buffer | undefined> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

export async function downloadSlackFile(options: DownloadOptions): Promise<DownloadResult> {
  const allowedHosts = options.allowedHosts ?? slackFileHosts;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 15_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    return { ok: false, reason: 'foreign_host' };
  }
  for (let hop = 0; hop <= maxRedirects; hop++) {
    if (!hostAllowed(url, allowedHosts)) return { ok: false, reason: 'foreign_host' };
    let response: Response;
    try {
      response = await fetch(url, { headers: { authorization: `Bearer ${options.token}` }, redirect: 'manual', signal });
    } catch {
      return { ok: false, reason: 'network' };
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      const location = response.headers.get('location');
      if (!location) return { ok: false, reason: 'http_error', status: response.status };
      url = new URL(location, url);
      continue;
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      return { ok: false, reason: 'no_access', status: response.status };
    }
    if (response.status === 404 || response.status === 410) {
      await response.body?.cancel();
      return { ok: false, reason: 'not_found', status: response.status };
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      return { ok: false, reason: 'http_error', status: response.status };
    }
    const contentType = response.headers.get('content-type') ?? undefined;
    if (!options.expectHtml && contentType?.toLowerCase().startsWith('text/html')) {
      await response.body.cancel();
      return { ok: false, reason: 'no_access', status: response.status };
    }
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      await response.body.cancel();
      return { ok: false, reason: 'too_large' };
    }
    try {
      const bytes = await readBounded(response.body, options.maxBytes);
      if (!bytes) return { ok: false, reason: 'too_large' };
      return { ok: true, bytes, contentType };
    } catch {
      return { ok: false, reason: 'network' };
    }
  }
  return { ok: false, reason: 'too_many_redirects' };
}
