import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startCrewHarness, type CrewHarness, type HarnessOptions } from './crew-harness.js';

/**
 * One crew per test file: started before the file's tests, closed after them, and with the
 * fake Slack and fake Anthropic records reset before each test. Returns a stand-in that
 * forwards to the running harness, so tests read `harness.slack…` as usual.
 */
export function useCrewHarness(options: HarnessOptions = {}): CrewHarness {
  let current: CrewHarness | undefined;
  beforeAll(async () => {
    current = await startCrewHarness(options);
  });
  afterAll(async () => {
    await current?.close();
  });
  beforeEach(() => {
    current?.slack.reset();
    current?.anthropic.reset();
  });
  return new Proxy({} as CrewHarness, {
    get(_target, property) {
      if (!current) throw new Error('the crew harness is used before beforeAll started it');
      const value: unknown = Reflect.get(current, property);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(current) : value;
    },
  });
}
