import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // End-to-end suites start real servers; two cores, so keep parallelism modest.
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'crew',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/e2e/fleet/**'],
          // One real Redis Cluster on loopback for the run: the Redis suites run on it as well as on a single node.
          globalSetup: ['test/redis-cluster/redis-cluster-global-setup.ts'],
          testTimeout: 20_000,
          hookTimeout: 20_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // The fleet soak runs alone, after every other suite: it keeps three crew processes and a
        // six-node Redis Cluster of its own busy for about a minute, which would starve the
        // timing-sensitive suites beside it on a two-core machine, and be starved by them.
        test: {
          name: 'fleet',
          include: ['test/e2e/fleet/**/*.test.ts'],
          testTimeout: 420_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
