import { afterEach, describe, expect, it, vi } from 'vitest';
import { PacedSendQueue } from './paced-send-queue.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(() => {
  vi.useRealTimers();
});

describe('PacedSendQueue', () => {
  it('sends the first request at once, then at most one waiting send per interval', async () => {
    vi.useFakeTimers();
    const sends: number[] = [];
    const queue = new PacedSendQueue({ send: async () => void sends.push(Date.now()), intervalMs: () => 40, onError: () => undefined });
    queue.request();
    await vi.advanceTimersByTimeAsync(0);
    expect(sends).toHaveLength(1);
    for (let index = 0; index < 10; index += 1) queue.request();
    await vi.advanceTimersByTimeAsync(39);
    expect(sends).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sends).toHaveLength(2);
    expect((sends[1] ?? 0) - (sends[0] ?? 0)).toBe(40);
    await vi.advanceTimersByTimeAsync(200);
    expect(sends).toHaveLength(2);
  });

  it('cancel drops the waiting send: no timer fires afterwards', async () => {
    vi.useFakeTimers();
    let sends = 0;
    const queue = new PacedSendQueue({ send: async () => void (sends += 1), intervalMs: () => 20, onError: () => undefined });
    queue.request();
    await vi.advanceTimersByTimeAsync(0);
    queue.request();
    queue.cancel();
    await vi.advanceTimersByTimeAsync(100);
    expect(sends).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('runs steps one at a time in order, and a failing step does not stop the ones after it', async () => {
    const order: string[] = [];
    const errors: unknown[] = [];
    const queue = new PacedSendQueue({ send: async () => undefined, intervalMs: () => 0, onError: (error) => errors.push(error) });
    void queue.run(async () => {
      await sleep(10);
      order.push('slow');
    });
    void queue.run(async () => {
      throw new Error('boom');
    });
    await queue.run(async () => void order.push('after'));
    expect(order).toEqual(['slow', 'after']);
    expect(errors).toHaveLength(1);
  });
});
