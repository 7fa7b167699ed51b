import { describe, expect, it } from 'vitest';
import { createByteBudget } from './byte-budget.js';

describe('createByteBudget', () => {
  it('grants within the limit at once and makes later turns wait, in order, for room', async () => {
    const budget = createByteBudget(100);
    const first = await budget.acquire(60);
    const order: string[] = [];
    const second = budget.acquire(60).then((release) => (order.push('second'), release));
    const third = budget.acquire(10).then((release) => (order.push('third'), release));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(order).toEqual([]); // the third would fit, but waits behind the second: first come, first served
    first();
    (await second)();
    (await third)();
    expect(order).toEqual(['second', 'third']);
  });

  it('runs a turn larger than the whole budget alone instead of never', async () => {
    const budget = createByteBudget(10);
    const huge = await budget.acquire(1_000);
    const small = budget.acquire(1);
    let granted = false;
    void small.then(() => (granted = true));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(granted).toBe(false);
    huge();
    (await small)();
    expect(granted).toBe(true);
  });

  it('takes nothing for a wait that is aborted, and a double release counts once', async () => {
    const budget = createByteBudget(10);
    const held = await budget.acquire(10);
    const controller = new AbortController();
    const waiting = budget.acquire(5, controller.signal);
    controller.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
    held();
    held();
    const a = await budget.acquire(10);
    let second = false;
    void budget.acquire(1).then(() => (second = true));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(second).toBe(false);
    a();
  });
});
