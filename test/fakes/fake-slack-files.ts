import type { IncomingMessage, ServerResponse } from 'node:http';

/** A file the fake Slack hosts, as a test adds it. */
export interface HostedFileSpec {
  name: string;
  mimetype: string;
  filetype: string;
  content: Buffer | string;
  /** `hosted` (default), `snippet`, `post`, `external`, `tombstone`. */
  mode?: string;
  /** Slack Connect visibility: `visible` (default), `check_file_info`, `access_denied`. */
  fileAccess?: string;
  /** Answer the download with a redirect to this URL instead of the bytes. */
  redirectTo?: string;
}

/** One download request the fake saw. */
export interface FileDownload {
  fileId: string;
  authorized: boolean;
  /** Bytes written before the client went away (or the whole file). */
  bytesWritten: number;
  totalBytes: number;
}

interface Hosted extends HostedFileSpec {
  id: string;
  bytes: Buffer;
  deleted: boolean;
}

/**
 * Slack's file hosting as bots meet it: a `files` object in the event names `url_private` and
 * `url_private_download` on the file host; a GET with `Authorization: Bearer <bot token>` (the
 * `files:read` scope) answers the bytes, and without a valid token Slack answers its sign-in
 * page (an HTML 200), not a 403. A deleted file answers 404. Bodies are written in 64 KB chunks
 * honouring back-pressure, so a client that stops early is seen to have stopped.
 */
export class FakeSlackFiles {
  readonly downloads: FileDownload[] = [];
  private readonly files = new Map<string, Hosted>();
  private counter = 0;

  constructor(
    private readonly origin: () => string,
    private readonly tokenIsValid: (token: string | undefined) => boolean,
  ) {}

  /** Hosts a file and returns its `files` object, shaped like the one in a `file_share` message event. */
  add(spec: HostedFileSpec): Record<string, unknown> {
    this.counter += 1;
    const id = `F0FAKE${String(this.counter).padStart(4, '0')}`;
    const bytes = typeof spec.content === 'string' ? Buffer.from(spec.content, 'utf8') : spec.content;
    this.files.set(id, { ...spec, id, bytes, deleted: false });
    return this.objectOf(id);
  }

  /** The `files` object of a hosted file (as in events and `files.info`). */
  objectOf(id: string): Record<string, unknown> {
    const file = this.files.get(id);
    if (!file) throw new Error(`no fake file ${id}`);
    const base = `${this.origin()}/files-pri/T0FAKE-${id}`;
    const now = Math.floor(Date.now() / 1000);
    return {
      id,
      created: now,
      timestamp: now,
      name: file.name,
      title: file.name,
      mimetype: file.mimetype,
      filetype: file.filetype,
      pretty_type: file.filetype.toUpperCase(),
      user: 'U222',
      user_team: 'T0FAKE',
      editable: file.mode === 'snippet' || file.mode === 'post',
      size: file.bytes.length,
      mode: file.mode ?? 'hosted',
      is_external: file.mode === 'external',
      external_type: '',
      is_public: true,
      public_url_shared: false,
      display_as_bot: false,
      username: '',
      url_private: `${base}/${encodeURIComponent(file.name)}`,
      url_private_download: `${base}/download/${encodeURIComponent(file.name)}`,
      permalink: `https://fake.slack.com/files/U222/${id}/${encodeURIComponent(file.name)}`,
      ...(file.fileAccess ? { file_access: file.fileAccess } : {}),
      has_rich_preview: false,
    };
  }

  /** Deletes a file: later downloads answer 404. */
  remove(id: string): void {
    const file = this.files.get(id);
    if (file) file.deleted = true;
  }

  clear(): void {
    this.files.clear();
    this.downloads.length = 0;
  }

  /** Serves `/files-pri/…`; returns false for any other path. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    const match = /^\/files-pri\/T0FAKE-([A-Z0-9]+)\//.exec(url.pathname);
    if (!match || req.method !== 'GET') return false;
    const id = match[1]!;
    const file = this.files.get(id);
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
    const authorized = this.tokenIsValid(token);
    const download: FileDownload = { fileId: id, authorized, bytesWritten: 0, totalBytes: file?.bytes.length ?? 0 };
    this.downloads.push(download);
    if (!authorized) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to your workspace</body></html>');
      return true;
    }
    if (!file || file.deleted) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('File not found');
      return true;
    }
    if (file.redirectTo) {
      res.writeHead(302, { location: file.redirectTo });
      res.end();
      return true;
    }
    res.writeHead(200, { 'content-type': file.mimetype, 'content-length': String(file.bytes.length) });
    writeInChunks(res, file.bytes, (written) => (download.bytesWritten = written));
    return true;
  }
}

/**
 * Writes `bytes` in 64 KB chunks, honouring back-pressure, and reports how much was written so
 * far; a client that stops reading early is seen to have stopped (the rest is never written).
 */
export function writeInChunks(res: ServerResponse, bytes: Buffer, onWritten: (written: number) => void): void {
  let offset = 0;
  const pump = (): void => {
    while (offset < bytes.length) {
      const chunk = bytes.subarray(offset, offset + 64 * 1024);
      offset += chunk.length;
      onWritten(offset);
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  res.on('close', () => res.removeAllListeners('drain'));
  pump();
}
