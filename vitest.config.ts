import { defineConfig } from 'vitest/config';

// One vitest run covers unit, integration and browser tests. With DATABASE_URL and REDIS_URL set,
// the harness runs every integration test against real PostgreSQL and BullMQ, and each browser
// test file boots a server on its own fresh database; otherwise on PGlite and in-process jobs.
export default defineConfig({
  test: {
    pool: 'forks',
    teardownTimeout: 30_000,
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit+integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'node_modules/**'],
          globalSetup: ['test/helpers/global-setup.ts'],
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // Browser tests (playwright-core + Debian's Chromium) against the real server. They run after
        // the rest, two files at a time: each file is a server plus a browser, and the suite above
        // already keeps every core busy.
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          pool: 'forks',
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
