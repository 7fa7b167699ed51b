import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The fleet soak runs on its own, after the main suite (`npm test` runs both): it keeps three
 * crew processes and a six-node Redis Cluster busy for about a minute, which would starve the
 * timing-sensitive suites running beside it on a two-core machine, and be starved by them.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../../../', import.meta.url)),
  test: {
    include: ['test/e2e/fleet/**/*.test.ts'],
    testTimeout: 420_000,
    hookTimeout: 60_000,
    maxWorkers: 1,
    reporters: ['default'],
  },
});
