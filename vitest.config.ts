import { defineConfig } from 'vitest/config';

// Two projects: unit tests need nothing; integration tests share one set of private services (test/global-setup.ts).
export default defineConfig({
  test: {
    // Integration tests start `tasaeed` processes (a few seconds each, far more on a busy machine); they wait on
    // conditions, so a generous bound only matters when something is really stuck.
    testTimeout: 150_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'], globalSetup: ['test/global-setup.ts'] } },
    ],
  },
});
