// Builds the Svelte renderer on its own, for browser mode (`npm run serve`) and the e2e tests.
// electron-vite builds the same renderer for the desktop app from electron.vite.config.ts.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { resolve } from 'node:path';

export default defineConfig({
  root: resolve(import.meta.dirname, 'src-renderer'),
  base: './',
  plugins: [svelte({ configFile: resolve(import.meta.dirname, 'svelte.config.js') })],
  build: {
    outDir: resolve(import.meta.dirname, 'out/renderer'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    // Second entry: the GPU compute page (docs/webgpu-training.md).
    rollupOptions: { input: { index: resolve(import.meta.dirname, 'src-renderer/index.html'), compute: resolve(import.meta.dirname, 'src-renderer/compute.html') } },
  },
});
