import type { EphemeralMessage, SeedMessage, StatusChange, TaskCard, VisibleMessage } from './fake-slack-types.js';

/** Streaming state of a `chat.startStream` message. */
export interface StreamState {
  startedAt: number;
  expiresAt: number;
  stoppedAt?: number;
  stoppedByUser?: boolean;
}

/** A message as the fake stores it. */
export interface StoredMessage {
  /** Shared files (`file_share` subtype in the API shape). */
  files?: Record<string, unknown>[];
  channel: string;
  ts: string;
  threadTs?: string;
  user: string;
  isBot: boolean;
  botId?: string;
  /** Text pieces; visible text is their concatenation (one piece unless streamed). */
  parts: string[];
  blocks?: unknown[];
  username?: string;
  iconEmoji?: string;
  metadata?: unknown;
  stream?: StreamState;
  /** Task cards from `task_update` chunks. */
  tasks?: TaskCard[];
  reactions: string[];
  edited: boolean;
  deleted: boolean;
}

/** Compares two Slack timestamps (`seconds.micros`) numerically. */
export function compareTs(a: string, b: string): number {
  const [as = '0', af = ''] = a.split('.');
  const [bs = '0', bf = ''] = b.split('.');
  const secs = BigInt(as) - BigInt(bs);
  if (secs !== 0n) return secs < 0n ? -1 : 1;
  const fa = af.padEnd(6, '0');
  const fb = bf.padEnd(6, '0');
  return fa < fb ? -1 : fa > fb ? 1 : 0;
}

function tsToMicros(ts: string): bigint {
  const [s = '0', f = ''] = ts.split('.');
  return BigInt(s) * 1_000_000n + BigInt(f.padEnd(6, '0').slice(0, 6) || '0');
}

function microsToTs(micros: bigint): string {
  const s = micros / 1_000_000n;
  const f = micros % 1_000_000n;
  return `${s}.${f.toString().padStart(6, '0')}`;
}

/**
 * The fake workspace's messages, ephemerals and assistant statuses: what a person would see.
 * Timestamps are unique and increase monotonically (`1700000000.000100`, `…000200`, …), always
 * after any seeded timestamp.
 */
export class FakeSlackThreads {
  private readonly messages = new Map<string, StoredMessage>();
  private readonly ephemerals: EphemeralMessage[] = [];
  private readonly statuses = new Map<string, StatusChange[]>();
  private lastMicros = 1_700_000_000_000_000n;

  /** A fresh unique timestamp, later than every timestamp seen so far. */
  nextTs(): string {
    this.lastMicros += 100n;
    return microsToTs(this.lastMicros);
  }

  private observeTs(ts: string): void {
    const micros = tsToMicros(ts);
    if (micros > this.lastMicros) this.lastMicros = micros;
  }

  /** Stores a message (replacing one with the same channel and ts). */
  add(message: StoredMessage): StoredMessage {
    this.observeTs(message.ts);
    this.messages.set(`${message.channel}:${message.ts}`, message);
    return message;
  }

  /** The stored (not deleted) message, if any. */
  get(channel: string, ts: string): StoredMessage | undefined {
    const found = this.messages.get(`${channel}:${ts}`);
    return found && !found.deleted ? found : undefined;
  }

  /** The live message with this ts in any channel (the fake's generated ts are unique). */
  findByTs(ts: string): StoredMessage | undefined {
    return [...this.messages.values()].find((m) => m.ts === ts && !m.deleted);
  }

  /** Stores a human (or seeded bot) message unless one with that ts exists. */
  seed(channel: string, message: SeedMessage & { ts: string; threadTs?: string }): StoredMessage {
    const existing = this.get(channel, message.ts);
    if (existing) return existing;
    return this.add({
      channel,
      ts: message.ts,
      ...(message.threadTs !== undefined && message.threadTs !== message.ts ? { threadTs: message.threadTs } : {}),
      user: message.user ?? 'UHUMAN',
      isBot: message.botId !== undefined,
      ...(message.botId !== undefined ? { botId: message.botId } : {}),
      parts: [message.text],
      ...(message.blocks !== undefined ? { blocks: message.blocks } : {}),
      ...(message.username !== undefined ? { username: message.username } : {}),
      ...(message.files !== undefined ? { files: message.files } : {}),
      reactions: [],
      edited: false,
      deleted: false,
    });
  }

  /** Seeds a thread: the first message is the root (ts `rootTs`), the rest are replies. Returns their ts. */
  seedThread(channel: string, rootTs: string, messages: SeedMessage[]): string[] {
    return messages.map((m, i) => {
      const ts = i === 0 ? rootTs : (m.ts ?? this.nextTs());
      return this.seed(channel, { ...m, ts, threadTs: rootTs }).ts;
    });
  }

  /** All live messages in a channel (top-level and replies), in ts order. */
  inChannel(channel: string): StoredMessage[] {
    return [...this.messages.values()]
      .filter((m) => m.channel === channel && !m.deleted)
      .sort((a, b) => compareTs(a.ts, b.ts));
  }

  /** The thread's live messages: root first (when known), then replies in ts order. */
  thread(channel: string, rootTs: string): StoredMessage[] {
    return this.inChannel(channel).filter((m) => m.ts === rootTs || m.threadTs === rootTs);
  }

  /** True while the message is an open stream at `now`. */
  isStreaming(message: StoredMessage, now: number): boolean {
    const s = message.stream;
    return !!s && s.stoppedAt === undefined && !s.stoppedByUser && now < s.expiresAt;
  }

  /** The person's view of a stored message. */
  visible(message: StoredMessage, now: number): VisibleMessage {
    return {
      channel: message.channel,
      ts: message.ts,
      ...(message.threadTs !== undefined ? { threadTs: message.threadTs } : {}),
      text: message.parts.join(''),
      ...(message.blocks !== undefined ? { blocks: message.blocks } : {}),
      ...(message.username !== undefined ? { username: message.username } : {}),
      ...(message.iconEmoji !== undefined ? { iconEmoji: message.iconEmoji } : {}),
      ...(message.metadata !== undefined ? { metadata: message.metadata } : {}),
      user: message.user,
      isStreaming: this.isStreaming(message, now),
      isBot: message.isBot,
      reactions: [...message.reactions],
      edited: message.edited,
      tasks: (message.tasks ?? []).map((task) => ({ ...task })),
    };
  }

  /** The message in Web API shape (as `conversations.replies` and `chat.*` return it). */
  toApiMessage(message: StoredMessage, appId: string, teamId: string): Record<string, unknown> {
    const replies = message.threadTs === undefined ? this.thread(message.channel, message.ts).length - 1 : 0;
    return {
      type: 'message',
      ts: message.ts,
      user: message.user,
      text: message.parts.join(''),
      team: teamId,
      ...(message.threadTs !== undefined ? { thread_ts: message.threadTs } : {}),
      ...(replies > 0 ? { thread_ts: message.ts, reply_count: replies } : {}),
      ...(message.isBot ? { bot_id: message.botId, app_id: appId } : {}),
      ...(message.blocks !== undefined ? { blocks: message.blocks } : {}),
      ...(message.username !== undefined ? { username: message.username } : {}),
      ...(message.iconEmoji !== undefined ? { icons: { emoji: message.iconEmoji } } : {}),
      ...(message.metadata !== undefined ? { metadata: message.metadata } : {}),
      ...(message.edited ? { edited: { user: message.user, ts: message.ts } } : {}),
      ...(message.files !== undefined ? { subtype: 'file_share', files: message.files, upload: false, display_as_bot: false } : {}),
    };
  }

  /** Records an ephemeral message. */
  addEphemeral(message: EphemeralMessage): void {
    this.ephemerals.push(message);
  }

  /** Ephemeral messages shown to `user`, oldest first. */
  ephemeralsFor(user: string): EphemeralMessage[] {
    return this.ephemerals.filter((e) => e.user === user);
  }

  /** Records an assistant status change. */
  addStatus(channel: string, threadTs: string, change: StatusChange): void {
    const key = `${channel}:${threadTs}`;
    const list = this.statuses.get(key) ?? [];
    list.push(change);
    this.statuses.set(key, list);
  }

  /** Every status set on the thread, oldest first. */
  statusHistory(channel: string, threadTs: string): StatusChange[] {
    return [...(this.statuses.get(`${channel}:${threadTs}`) ?? [])];
  }

  /** Forgets everything (timestamps keep increasing). */
  clear(): void {
    this.messages.clear();
    this.ephemerals.length = 0;
    this.statuses.clear();
  }
}
