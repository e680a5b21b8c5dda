import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'standalone',
          include: ['test/standalone/**/*.test.ts', 'test/fuzz/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'contract',
          include: ['test/contract/**/*.test.ts'],
          // Each arch runs the native runtime in a child process of its own; the test file only waits.
          pool: 'forks',
          // One native run at a time: the machine has 2 cores and the per-arch times are reported.
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'accuracy',
          include: ['test/accuracy/**/*.test.ts'],
          // The runtime's simulation runs in child processes; one fixture at a time on 2 cores.
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
