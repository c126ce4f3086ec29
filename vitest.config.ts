import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { resolve } from 'node:path';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'test/components/**', 'node_modules/**'],
          // Worker-thread job tests need the bundled worker (out/node/worker.mjs).
          globalSetup: ['test/global-setup.ts'],
        },
      },
      {
        // Component tests of the Svelte renderer: jsdom, Svelte's browser build (svelteTesting
        // adds the `browser` resolve condition and cleans the DOM after each test).
        extends: true,
        plugins: [svelte({ configFile: resolve(import.meta.dirname, 'svelte.config.js') }), svelteTesting({ autoCleanup: false })],
        test: {
          name: 'components',
          include: ['test/components/**/*.test.ts'],
          environment: 'jsdom',
          setupFiles: ['test/components/setup.ts'],
        },
      },
    ],
  },
});
