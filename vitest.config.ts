import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'dashboard/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Model sessions are heavy: run test files two at a time on this 2-core machine.
    maxWorkers: 2,
  },
});
