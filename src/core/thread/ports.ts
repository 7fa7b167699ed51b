import type { SharedFileMeta } from '../files/classify-shared-file.js';
import type { ThreadKey } from './thread-key.js';
import type { StoredTurn, ThreadState } from './thread-state.js';

/**
 * Where thread state lives (Redis in production, memory for development).
 * Every key written expires after the store's retention; writing refreshes the expiry.
 * Failures to reach the backend throw `StoreUnavailableError`.
 */
export interface ConversationStore {
  /** The thread's state, or undefined when the crew is not part of this thread. */
  getThread(key: ThreadKey): Promise<ThreadState | undefined>;
  /** True when the crew is part of the thread (cheap existence check). */
  hasThread(key: ThreadKey): Promise<boolean>;
  /**
   * Binds the thread to an agent if it is not bound yet and returns the bound agent name
   * (the existing one when the thread was already bound).
   */
  bindAgent(key: ThreadKey, agentName: string, now: number): Promise<string>;
  /**
   * Appends turns atomically (all or nothing), keeping at most the store's cap of turns
   * (oldest dropped first, in whole question/answer pairs), and refreshes the expiry.
   * When the cap holds more than one pair, the thread's first question/answer pair is kept and
   * the oldest pairs after it are dropped instead (the history builder always sends the first
   * exchange, so the prompt-cache prefix stays stable past the cap); when the cap holds one pair
   * only, the latest pair is kept. Trimming never leaves an answer leading the history.
   * A call carrying a turn (role and turn id) that is already stored does nothing: storing the
   * same exchange twice (a re-run after a crash) never duplicates it.
   */
  appendTurns(key: ThreadKey, turns: StoredTurn[]): Promise<void>;
  /** Checks the backend answers. Throws `StoreUnavailableError` when it does not. */
  ping(): Promise<void>;
}

/** One earlier message of a chat thread, as context for the crew. */
export interface EarlierThreadMessage {
  /** Author's chat user id (`U…`), or the bot id for bot posts without a user. */
  authorId: string;
  /** True for messages posted by a bot or app (the crew included). */
  isBot: boolean;
  /** Name the message itself shows, when it carries one (a bot's `username`); untrusted text. */
  authorName?: string;
  /** Text with chat markup already rendered readably. */
  text: string;
  /** Chat timestamp of the message. */
  ts: string;
  /** Files shared with the message, as the platform describes them. */
  files?: SharedFileMeta[];
}

/** The earlier messages of a thread, as read (bounded) by a {@link ThreadHistoryReader}. */
export interface EarlierThreadMessages {
  /** The thread's root first (when read), then the most recent messages before the question, oldest first. */
  messages: EarlierThreadMessage[];
  /** Messages of the thread that were not included (over the reader's bounds). */
  omittedCount: number;
}

/**
 * Reads a thread's earlier messages from the chat platform. Used once, when the crew is first
 * called into a thread that already has a conversation (the history then lives in the store;
 * the platform is never re-read). Implementations bound the calls, messages and characters.
 */
export interface ThreadHistoryReader {
  /** Messages of the thread posted before `beforeTs` (the question itself is excluded). */
  readEarlierMessages(key: ThreadKey, beforeTs: string): Promise<EarlierThreadMessages>;
}

/**
 * Display names of chat users, so the model reads who said what. Implementations cache and
 * bound their lookups; a name that cannot be had (unknown user, rate limit, outage) is
 * `undefined` — never an error — and the caller falls back to the id.
 */
export interface UserDirectory {
  /** The user's display name in the workspace, or undefined when it cannot be had. */
  displayNameOf(teamId: string, userId: string): Promise<string | undefined>;
}
