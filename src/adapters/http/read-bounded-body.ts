import type { IncomingMessage } from 'node:http';

/** How reading a request body ended. */
export type BoundedBody =
  | { outcome: 'complete'; body: Buffer }
  | { outcome: 'too-large'; receivedBytes: number }
  | { outcome: 'timed-out'; receivedBytes: number }
  | { outcome: 'aborted'; receivedBytes: number };

/** Options of {@link readBoundedBody}. */
export interface BoundedBodyOptions {
  maxBytes: number;
  timeoutMs: number;
}

/** True when the request declares a body larger than `maxBytes` (so it need not be read at all). */
export function declaresTooLargeBody(request: IncomingMessage, maxBytes: number): boolean {
  const declared = Number(request.headers['content-length']);
  return Number.isFinite(declared) && declared > maxBytes;
}

/**
 * Reads a request body into memory, but never more than `maxBytes` of it and never for longer
 * than `timeoutMs`: a declared Content-Length above the cap is refused before reading, and a
 * chunked body is counted as it streams and left unread the moment it passes the cap. The caller
 * answers; on anything but `complete` the rest of the body is not read (the caller should close
 * the connection).
 */
export function readBoundedBody(request: IncomingMessage, options: BoundedBodyOptions): Promise<BoundedBody> {
  if (declaresTooLargeBody(request, options.maxBytes)) return Promise.resolve({ outcome: 'too-large', receivedBytes: 0 });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let receivedBytes = 0;
    const finish = (result: BoundedBody) => {
      clearTimeout(timer);
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('close', onClose);
      request.off('error', onClose);
      if (result.outcome !== 'complete') request.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      receivedBytes += chunk.length;
      if (receivedBytes > options.maxBytes) finish({ outcome: 'too-large', receivedBytes });
      else chunks.push(chunk);
    };
    const onEnd = () => finish({ outcome: 'complete', body: Buffer.concat(chunks, receivedBytes) });
    // `close` before `end`: the client went away mid-body.
    const onClose = () => finish({ outcome: 'aborted', receivedBytes });
    const timer = setTimeout(() => finish({ outcome: 'timed-out', receivedBytes }), options.timeoutMs);
    request.on('data', onData);
    request.once('end', onEnd);
    request.once('close', onClose);
    request.once('error', onClose);
  });
}
