/**
 * A process-wide budget of bytes that file-bearing turns hold while they run. A turn with a
 * 1 MB image holds several copies of it until its answer ends (the download, its base64, the
 * request body, the socket buffer), so fifty at once would take a quarter of a gigabyte. Turns
 * wait in order for room instead; a turn larger than the whole budget runs alone, so nothing
 * waits forever.
 */
export interface ByteBudget {
  /** Waits until `bytes` fit (or the signal aborts, which takes nothing), then returns the release. */
  acquire(bytes: number, signal?: AbortSignal): Promise<() => void>;
}

export function createByteBudget(limitBytes: number): ByteBudget {
  let held = 0;
  const waiting: Array<{ bytes: number; grant: () => void }> = [];

  const fits = (bytes: number) => held === 0 || held + bytes <= limitBytes;

  function releaser(bytes: number): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      held -= bytes;
      while (waiting.length > 0 && fits(waiting[0]!.bytes)) waiting.shift()!.grant();
    };
  }

  return {
    acquire(bytes, signal) {
      if (bytes <= 0) return Promise.resolve(() => {});
      if (waiting.length === 0 && fits(bytes)) {
        held += bytes;
        return Promise.resolve(releaser(bytes));
      }
      return new Promise((resolve, reject) => {
        const entry = {
          bytes,
          grant: () => {
            signal?.removeEventListener('abort', onAbort);
            held += bytes;
            resolve(releaser(bytes));
          },
        };
        const onAbort = () => {
          const index = waiting.indexOf(entry);
          if (index >= 0) waiting.splice(index, 1);
          reject(signal?.reason ?? new Error('aborted'));
        };
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        waiting.push(entry);
      });
    },
  };
}
