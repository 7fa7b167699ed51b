import { Socket } from 'node:net';

/** One client → Redis write: ioredis sends a single command, a pipeline or a MULTI…EXEC as one write. */
export interface RedisWrite {
  at: number;
  /** Each command's words (script bodies shortened). */
  commands: string[][];
  bytes: number;
}

/** A counter of round trips, installed process-wide on `net.Socket#write`. */
export interface RedisWriteCounter {
  readonly writes: RedisWrite[];
  /** Stops counting writes of `socket` (the bench's own connections). */
  ignore(socket: unknown): void;
  /** Restores `net.Socket#write`. */
  uninstall(): void;
}

/**
 * Parses RESP arrays of bulk strings (what clients send). Stops quietly on a partial frame: a
 * write is counted either way, only its command list would be short.
 */
export function parseRespCommands(payload: string): string[][] {
  const commands: string[][] = [];
  let offset = 0;
  const readLine = (): string | undefined => {
    const end = payload.indexOf('\r\n', offset);
    if (end < 0) return undefined;
    const line = payload.slice(offset, end);
    offset = end + 2;
    return line;
  };
  while (offset < payload.length) {
    const header = readLine();
    if (header === undefined || !header.startsWith('*')) break;
    const count = Number(header.slice(1));
    const words: string[] = [];
    for (let index = 0; index < count; index += 1) {
      const size = readLine();
      if (size === undefined || !size.startsWith('$')) return commands;
      const length = Number(size.slice(1));
      const word = payload.slice(offset, offset + length);
      offset += length + 2;
      // Keys stay whole (they name what a write is for); long values (scripts, JSON records) are shortened.
      words.push(word.length > 160 ? `${word.slice(0, 40).replace(/\s+/g, ' ')}…` : word);
    }
    commands.push(words);
  }
  return commands;
}

/**
 * Counts every write to a Redis port made through `net.Socket` in this process — the app's
 * connections included, without touching its code. ioredis writes one command, one pipeline or
 * one MULTI…EXEC per `write`, so writes are round trips (a pipeline counts once).
 */
export function installRedisWriteCounter(redisPort = 6379): RedisWriteCounter {
  const writes: RedisWrite[] = [];
  const ignored = new WeakSet<object>();
  const original = Socket.prototype.write;
  const patched = function (this: Socket, chunk: unknown, ...rest: unknown[]): boolean {
    if (this.remotePort === redisPort && !ignored.has(this)) {
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('latin1') : '';
      writes.push({ at: Date.now(), commands: parseRespCommands(text), bytes: Buffer.byteLength(text, 'latin1') });
    }
    return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  };
  Socket.prototype.write = patched as typeof Socket.prototype.write;
  return {
    writes,
    ignore(socket) {
      if (socket && typeof socket === 'object') ignored.add(socket);
    },
    uninstall() {
      Socket.prototype.write = original;
    },
  };
}

/** What a round trip is for, from the keys it touches. */
export function classifyWrite(write: RedisWrite, prefix: string): 'memory' | 'dedupe' | 'rate-limit' | 'queue' | 'other' {
  const words = write.commands.flat();
  if (words.some((word) => word.startsWith(`${prefix}thread:`) || word.startsWith(`${prefix}turns:{`))) return 'memory';
  if (words.some((word) => word.startsWith(`${prefix}seen:`))) return 'dedupe';
  if (words.some((word) => word.startsWith(`${prefix}ratelimit:`))) return 'rate-limit';
  if (words.some((word) => word.startsWith(prefix))) return 'queue';
  return 'other';
}

/** A short label: the command names of a write, e.g. `MULTI[HSETNX HSETNX PEXPIRE PEXPIRE HGET]`. */
export function labelWrite(write: RedisWrite): string {
  const names = write.commands.map((words) => (words[0] ?? '?').toUpperCase());
  if (names[0] === 'MULTI') return `MULTI[${names.slice(1, -1).join(' ')}]`;
  if (names.length > 1) return `PIPELINE[${names.join(' ')}]`;
  return names[0] ?? '?';
}
