import { defineConfig } from 'vitest/config';

// One vitest run covers unit and integration tests. With DATABASE_URL and REDIS_URL set, the
// harness runs every integration test against real PostgreSQL and BullMQ; otherwise on PGlite
// and the in-process job runner.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    globalSetup: ['test/helpers/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    reporters: ['default'],
  },
});
