import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'standalone',
          include: ['test/standalone/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
    ],
  },
});
