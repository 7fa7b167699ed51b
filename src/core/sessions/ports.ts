import type { ThreadKey } from '../thread/thread-key.js';

/**
 * A person pressed Stop on a thread's running answer (Slack's native Stop of an agent session).
 * The press reaches one replica; the answer may run on another.
 */
export interface StopRequest {
  thread: ThreadKey;
  /** Who pressed Stop. */
  userId: string;
  /** The streaming messages the press was for (empty: whatever answer is running in the thread). */
  messageTs: string[];
  /** Epoch ms the press was received. */
  at: number;
}

/**
 * Carries stop requests to every replica (Redis pub/sub, or in-process in memory mode). A
 * request reaches the subscribers that are connected when it is published; it is not kept.
 */
export interface StopRequestBus {
  /** Sends the request to every replica's subscribers (this one's included). */
  publish(request: StopRequest): Promise<void>;
  /** Calls `handler` for every request published from now on; returns an unsubscribe function. */
  subscribe(handler: (request: StopRequest) => void): () => void;
  /** Stops listening and frees the connection. */
  close(): Promise<void>;
}

/**
 * When each thread's agent session is due to close: the thread's conversation expires (its
 * history is gone, so the session can only start over). Shared by all replicas.
 */
export interface SessionClosingSchedule {
  /** Records (or moves) the time the thread's session closes. */
  schedule(thread: ThreadKey, closeAt: number): Promise<void>;
  /** Takes up to `limit` threads due by `now`, oldest first; each is handed to one caller only, across replicas. */
  takeDue(now: number, limit: number): Promise<ThreadKey[]>;
}
