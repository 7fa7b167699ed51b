import type { StopRequest, StopRequestBus } from '../../core/sessions/ports.js';

/** Stop requests within one process (memory mode runs one replica). Handlers run asynchronously, as over Redis. */
export function createMemoryStopRequestBus(): StopRequestBus {
  const handlers = new Set<(request: StopRequest) => void>();
  return {
    async publish(request) {
      for (const handler of [...handlers]) queueMicrotask(() => handler(request));
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => void handlers.delete(handler);
    },
    async close() {
      handlers.clear();
    },
  };
}
