/**
 * Shared types of the fake Slack Web API (see `fake-slack-api.ts`).
 */

/** Decoded arguments of one Web API call (form values; JSON-valued fields already parsed). */
export type SlackArgs = Record<string, unknown>;

/** A Web API response body as the fake sends it. */
export type SlackResult = Record<string, unknown> & { ok: boolean };

/** Options for `startFakeSlackApi`. All optional. */
export interface FakeSlackApiOptions {
  /** The bot's user id (default `UBOT`). */
  botUserId?: string;
  /** The bot's bot id (default `BBOT`). */
  botId?: string;
  /** Workspace id (default `T111`). */
  teamId?: string;
  /** Workspace name (default `Fake Team`). */
  teamName?: string;
  /** The bot user's name, as auth.test reports it (default `architect`, the manifest's bot user). */
  botName?: string;
  /** App id, reported in the socket `hello` and on bot messages (default `A111`). */
  appId?: string;
  /** Exact bot token to accept. Default: any token starting with `xoxb-`. */
  botToken?: string;
  /** Exact app-level token to accept for `apps.connections.open`. Default: any `xapp-` token. */
  appToken?: string;
  /** Channels that do not exist: every method naming them answers `channel_not_found`. */
  unknownChannels?: string[];
  /** Channels the bot is not a member of: posting methods answer `not_in_channel`. */
  notInChannels?: string[];
  /** How long a streaming message accepts appends after `chat.startStream` (default 5 min). */
  streamLifetimeMs?: number;
  /** Latency added to every Web API call (default 0). Change later with `setLatencyMs`. */
  latencyMs?: number;
  /** How long `sendSocketEvent` waits for the client's ack (default 3000 ms, like Slack). */
  ackTimeoutMs?: number;
  /** When > 0 the socket server sends a WebSocket ping at this interval (default 0: never). */
  socketPingIntervalMs?: number;
  /** Members for `users.info` (`null`: answers `user_not_found`); other `U…`/`W…` ids get a generated profile. */
  users?: Record<string, FakeSlackUser | null>;
  /** Per-method limits enforced like Slack's tiers (429 + `Retry-After`); change later with `rateLimits.set`. */
  rateLimits?: Record<string, import('./fake-slack-rate-limits.js').FakeRateLimit>;
}

/** A workspace member as `users.info` describes them. */
export interface FakeSlackUser {
  /** The handle (`user.name`); default the id in lower case. */
  name?: string;
  /** `real_name` (and `profile.real_name`); default `User <id>`. */
  realName?: string;
  /** `profile.display_name`; default the handle. `''` is a person who never set one, as is common in Slack. */
  displayName?: string;
  isBot?: boolean;
  tz?: string;
  deleted?: boolean;
}

/**
 * A scripted fault for the next call(s) of one method. Applied in this order:
 * wait `delayMs`, then answer 429 (`rateLimitedSeconds`), else an HTTP error (`httpStatus`),
 * else `{ok:false, error}`. A fault with only `delayMs` delays and then answers normally.
 */
export interface FakeSlackFault {
  /** Delay before answering. */
  delayMs?: number;
  /** HTTP 429 with `Retry-After: n` and body `{ok:false,error:'ratelimited'}`. */
  rateLimitedSeconds?: number;
  /** A non-200 HTTP status (e.g. 500, 503) with a JSON error body. */
  httpStatus?: number;
  /** HTTP 200 with `{ok:false, error}`. */
  error?: string;
}

/** One recorded Web API call (also recorded when a fault answered it). */
export interface FakeSlackCall {
  method: string;
  args: SlackArgs;
  /** Bearer token the call carried (undefined when none). */
  token: string | undefined;
  /** Epoch ms when the request arrived. */
  at: number;
  httpStatus: number;
  response: SlackResult;
}

/** A message as a person in the workspace would see it. */
export interface VisibleMessage {
  channel: string;
  ts: string;
  /** Thread root ts for replies (absent for top-level messages and thread roots). */
  threadTs?: string;
  /**
   * Final visible text: for streamed messages the start, append and stop markdown concatenated;
   * for updated messages the latest text.
   */
  text: string;
  blocks?: unknown[];
  username?: string;
  iconEmoji?: string;
  /** Author: the bot user id for bot messages, else the human's user id. */
  user: string;
  /** True while a `chat.startStream` message is still open (not stopped, not expired, not stopped by the user). */
  isStreaming: boolean;
  isBot: boolean;
  /** Reaction names the bot added. */
  reactions: string[];
  /** True after `chat.update`. */
  edited: boolean;
  metadata?: unknown;
  /** Task cards the stream's `task_update` chunks made, latest state per id, in order of appearance. */
  tasks: TaskCard[];
}

/** A task card of a streamed message (`task_update` chunk). */
export interface TaskCard {
  id: string;
  title: string;
  status: 'pending' | 'in_progress' | 'complete' | 'error';
  details?: string;
  output?: string;
  sources?: Array<{ type: 'url'; url: string; text: string }>;
}

/** A `chat.postEphemeral` message. */
export interface EphemeralMessage {
  channel: string;
  user: string;
  text: string;
  blocks?: unknown[];
  threadTs?: string;
  messageTs: string;
  at: number;
}

/** One `assistant.threads.setStatus` call. */
export interface StatusChange {
  status: string;
  loadingMessages?: string[];
  at: number;
}

/** A message a test seeds (a human's, unless `botId` is set). */
export interface SeedMessage {
  text: string;
  user?: string;
  ts?: string;
  botId?: string;
  username?: string;
  blocks?: unknown[];
  /** `files` objects (from `slack.files.add`): the message is then a `file_share`. */
  files?: Record<string, unknown>[];
}

/** Envelope types that Socket Mode delivers. */
export type SocketEnvelopeType = 'events_api' | 'slash_commands' | 'interactive';

/** Options for `sendSocketEvent`. */
export interface SendSocketEventOptions {
  type?: SocketEnvelopeType;
  /** Default: true for slash commands and interactive payloads, false for events. */
  acceptsResponsePayload?: boolean;
  retryAttempt?: number;
  retryReason?: string;
  /** Override the ack timeout for this envelope. */
  ackTimeoutMs?: number;
}

/** The client's acknowledgement of an envelope. */
export interface SocketAck {
  envelope_id: string;
  payload?: unknown;
}

/** A recorded envelope and its ack. */
export interface SocketEnvelopeRecord {
  envelopeId: string;
  type: SocketEnvelopeType;
  payload: unknown;
  sentAt: number;
  ack?: SocketAck;
  ackedAt?: number;
}
