import { connect, type Socket } from 'node:net';

/** A hand-driven HTTP/1.1 connection: the test decides what is sent, byte by byte, and when. */
export interface RawHttpClient {
  socket: Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Bytes this client has handed to the socket. */
  sentBytes(): number;
  /** Resolves once the server has sent a full status line and headers. */
  response: Promise<RawResponse>;
  /** Resolves when the connection is closed (by either side). */
  closed: Promise<void>;
  write(data: string | Buffer): Promise<void>;
}

/** A parsed response head. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
}

function parseHead(text: string): RawResponse | undefined {
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers };
}

/** Opens a TCP connection to 127.0.0.1:`port` and sends `head` (a request line and headers, CRLF-terminated). */
export async function openRawHttp(port: number, head: string): Promise<RawHttpClient> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let text = '';
  let sent = 0;
  // The server may reset a connection it refused while we still write: that is the point.
  socket.on('error', () => undefined);
  const response = new Promise<RawResponse>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const parsed = parseHead(text);
      if (parsed) resolve(parsed);
    });
    socket.once('close', () => reject(new Error(`connection closed without a response (received ${JSON.stringify(text)})`)));
  });
  response.catch(() => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const write = (data: string | Buffer) =>
    new Promise<void>((resolve) => {
      if (socket.destroyed) {
        resolve();
        return;
      }
      sent += Buffer.byteLength(data);
      socket.write(data, () => resolve());
    });
  await write(head);
  return { socket, received: () => text, sentBytes: () => sent, response, closed, write };
}

/** A request head for `POST /slack/events` with a fresh Slack timestamp and the given extra headers. */
export function slackPostHead(headers: Record<string, string | number>): string {
  const lines = [
    'POST /slack/events HTTP/1.1',
    'Host: 127.0.0.1',
    'Content-Type: application/json',
    `X-Slack-Request-Timestamp: ${Math.floor(Date.now() / 1000)}`,
    'X-Slack-Signature: v0=not-checked-by-this-test',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}
