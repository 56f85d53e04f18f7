import { defineConfig } from 'vitest/config';

// Test files run several GStreamer pipelines in one process, each holding up to two libuv
// threadpool threads (docs/ingest.md); the test processes inherit this, set before they start.
process.env.UV_THREADPOOL_SIZE ??= '16';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'dashboard/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Model sessions are heavy: run test files two at a time on this 2-core machine.
    maxWorkers: 2,
  },
});
