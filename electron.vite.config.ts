// Three builds: the Electron main process (plus the engine worker and the browser host, which share
// its Node target), the sandboxed preload (CommonJS, as sandboxed preloads must be), and the renderer.
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve('electron/main/index.ts'),
          'engine-worker': resolve('src-engine/node/worker/engine-worker.ts'),
          host: resolve('src-engine/node/host/cli.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    base: './',
    plugins: [svelte()],
    build: {
      outDir: 'out/renderer',
      // The Svelte compile's timing report is noise on every start.
      rollupOptions: { input: { index: resolve('renderer/index.html') }, checks: { pluginTimings: false } },
    },
  },
});
