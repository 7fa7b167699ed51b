import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type {
  SendSocketEventOptions,
  SocketAck,
  SocketEnvelopeRecord,
  SocketEnvelopeType,
} from './fake-slack-types.js';

/** Options for {@link FakeSocketModeServer}. */
export interface FakeSocketModeServerOptions {
  appId: string;
  ackTimeoutMs: number;
  /** When > 0, WebSocket-ping every client at this interval (the real client answers with pongs). */
  pingIntervalMs: number;
  /** Called for every envelope sent (the Slack fake uses it to record the humans' messages). */
  onEnvelope?: (type: SocketEnvelopeType, payload: unknown) => void;
}

interface PendingAck {
  resolve(ack: SocketAck): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  record: SocketEnvelopeRecord;
}

/** Path the WebSocket URLs point at. */
export const SOCKET_MODE_PATH = '/socket-mode';

/**
 * The Socket Mode side of the Slack fake, sharing the HTTP server of the Web API fake.
 *
 * Wire format (as `@slack/socket-mode` 3.x expects):
 * - `apps.connections.open` hands out `ws://…/socket-mode?ticket=<uuid>&app_id=<id>`; a ticket is
 *   single-use (a reconnect asks for a new URL), unknown tickets get HTTP 401 on upgrade;
 * - on connect the server sends `{type:'hello', num_connections, debug_info:{host,
 *   approximate_connection_time, build_number}, connection_info:{app_id}}` — the client reports
 *   itself connected only after this frame;
 * - envelopes are `{envelope_id, payload, type, accepts_response_payload, retry_attempt, retry_reason}`;
 * - the client acks with `{envelope_id, payload}` (`payload` is `{}` for a bare ack);
 * - `{type:'disconnect', reason}` asks the client to reconnect.
 */
export class FakeSocketModeServer {
  /** Every envelope sent, with its ack once received. */
  readonly envelopes: SocketEnvelopeRecord[] = [];
  /** Frames from clients that were not acks of a pending envelope. */
  readonly strayFrames: unknown[] = [];
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly sockets: WebSocket[] = [];
  private readonly pending = new Map<string, PendingAck>();
  private readonly waiters: Array<() => void> = [];
  private pingTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: FakeSocketModeServerOptions) {
    if (options.pingIntervalMs > 0) {
      this.pingTimer = setInterval(() => {
        for (const ws of this.sockets) ws.ping(Buffer.from(`ping ${Date.now()}`));
      }, options.pingIntervalMs);
      this.pingTimer.unref();
    }
  }

  /** A fresh single-use WebSocket URL under `origin` (e.g. `ws://127.0.0.1:1234`). */
  issueUrl(origin: string): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return `${origin}${SOCKET_MODE_PATH}?ticket=${ticket}&app_id=${this.options.appId}`;
  }

  /** Handles an HTTP upgrade addressed to {@link SOCKET_MODE_PATH}. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (this.closed || url.pathname !== SOCKET_MODE_PATH || !this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private accept(ws: WebSocket): void {
    this.sockets.push(ws);
    ws.on('message', (data, isBinary) => this.onFrame(data.toString(), isBinary));
    ws.on('close', () => {
      const index = this.sockets.indexOf(ws);
      if (index >= 0) this.sockets.splice(index, 1);
    });
    ws.on('error', () => undefined);
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.sockets.length,
        debug_info: { host: 'applink-fake-1', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.options.appId },
      }),
    );
    for (const wake of this.waiters.splice(0)) wake();
  }

  private onFrame(text: string, isBinary: boolean): void {
    let frame: unknown;
    try {
      frame = isBinary ? undefined : JSON.parse(text);
    } catch {
      frame = undefined;
    }
    const id = (frame as { envelope_id?: unknown } | undefined)?.envelope_id;
    const pending = typeof id === 'string' ? this.pending.get(id) : undefined;
    if (!pending) {
      this.strayFrames.push(frame ?? text);
      return;
    }
    this.pending.delete(id as string);
    clearTimeout(pending.timer);
    const payload = (frame as { payload?: unknown }).payload;
    const ack: SocketAck = { envelope_id: id as string, ...(payload !== undefined ? { payload } : {}) };
    pending.record.ack = ack;
    pending.record.ackedAt = Date.now();
    pending.resolve(ack);
  }

  /** Number of open client connections. */
  get connectionCount(): number {
    return this.sockets.length;
  }

  /** Resolves once a client is connected (immediately when one already is). */
  connected(): Promise<void> {
    if (this.sockets.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Sends `payload` in an envelope to the newest connection and resolves with the client's ack. */
  send(payload: unknown, options: SendSocketEventOptions = {}): Promise<SocketAck> {
    const ws = this.sockets.at(-1);
    if (!ws) return Promise.reject(new Error('sendSocketEvent: no Socket Mode client is connected'));
    const type = options.type ?? 'events_api';
    const envelopeId = randomUUID();
    const record: SocketEnvelopeRecord = { envelopeId, type, payload, sentAt: Date.now() };
    this.envelopes.push(record);
    this.options.onEnvelope?.(type, payload);
    const timeoutMs = options.ackTimeoutMs ?? this.options.ackTimeoutMs;
    const acked = new Promise<SocketAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        reject(new Error(`sendSocketEvent: no ack for ${type} envelope ${envelopeId} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(envelopeId, { resolve, reject, timer, record });
    });
    ws.send(
      JSON.stringify({
        envelope_id: envelopeId,
        payload,
        type,
        accepts_response_payload: options.acceptsResponsePayload ?? type !== 'events_api',
        retry_attempt: options.retryAttempt ?? 0,
        retry_reason: options.retryReason ?? '',
      }),
    );
    return acked;
  }

  /** Sends Slack's `disconnect` frame to every client (they should reconnect with a new URL). */
  requestDisconnect(reason = 'refresh_requested'): void {
    const frame = JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-fake-1' } });
    for (const ws of this.sockets) ws.send(frame);
  }

  /** Cuts every connection abruptly (no close frame). */
  dropConnections(): void {
    for (const ws of [...this.sockets]) ws.terminate();
  }

  /** Rejects pending acks, closes connections (close frame, then terminate after 200 ms). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.pingTimer) clearInterval(this.pingTimer);
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new Error(`sendSocketEvent: server closed before ack of ${id}`));
    }
    this.pending.clear();
    const closing = [...this.sockets].map(
      (ws) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            ws.terminate();
            resolve();
          }, 200);
          ws.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          ws.close(1001, 'server shutting down');
        }),
    );
    await Promise.all(closing);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
