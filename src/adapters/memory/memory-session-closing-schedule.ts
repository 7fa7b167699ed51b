import type { SessionClosingSchedule } from '../../core/sessions/ports.js';
import { formatThreadKey, type ThreadKey } from '../../core/thread/thread-key.js';

/** When sessions close, in process memory (memory mode runs one replica). */
export function createMemorySessionClosingSchedule(): SessionClosingSchedule {
  const due = new Map<string, { thread: ThreadKey; closeAt: number }>();
  return {
    async schedule(thread, closeAt) {
      due.set(formatThreadKey(thread), { thread: { ...thread }, closeAt });
    },
    async takeDue(now, limit) {
      const taken = [...due.entries()]
        .filter(([, entry]) => entry.closeAt <= now)
        .sort(([, a], [, b]) => a.closeAt - b.closeAt)
        .slice(0, limit);
      for (const [id] of taken) due.delete(id);
      return taken.map(([, entry]) => entry.thread);
    },
  };
}
