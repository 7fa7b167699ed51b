import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The fleet soak runs alone afterwards (`npm test` runs test/e2e/fleet/vitest.config.ts next).
    exclude: [...configDefaults.exclude, 'test/e2e/fleet/**'],
    // One real Redis Cluster on loopback for the run: the Redis suites run on it as well as on a single node.
    globalSetup: ['test/redis-cluster/redis-cluster-global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // End-to-end suites start real servers; two cores, so keep parallelism modest.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
