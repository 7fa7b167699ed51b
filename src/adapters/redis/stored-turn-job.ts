import type { TurnJob } from '../../core/queue/turn-job.js';

/** A job as kept in its thread's list in Redis (JSON). */
export interface StoredTurnJob {
  job: TurnJob;
  /** Times a worker started the job (0 while it waits for its first run). */
  attempt: number;
  /** Epoch ms of the enqueue. */
  enqueuedAt: number;
  /** Epoch ms of the latest start. */
  startedAt?: number;
}

/** Parses a stored record; undefined when it is not valid JSON of the expected shape. */
export function parseStoredTurnJob(raw: string): StoredTurnJob | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Partial<StoredTurnJob>;
  if (typeof record.attempt !== 'number' || typeof record.job !== 'object' || record.job === null) return undefined;
  if (typeof record.job.id !== 'string') return undefined;
  return record as StoredTurnJob;
}

/**
 * Serialises a record with `attempt` first and `startedAt` (when set) next, so the queue's Lua
 * scripts can mark the head started by editing that prefix without re-encoding the job
 * (`{"attempt":N,"startedAt":T,…`). Readers parse it as ordinary JSON.
 */
export function encodeStoredTurnJob(record: StoredTurnJob): string {
  const ordered: StoredTurnJob = { attempt: record.attempt, startedAt: record.startedAt, enqueuedAt: record.enqueuedAt, job: record.job };
  return JSON.stringify(ordered);
}
