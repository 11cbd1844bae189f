// The console's browser build: Vite bundles the Preact app in src/web/app into
// dist/console, which the HTTP server serves under /console/. JSX goes through
// Vite's own transformer (oxc) with Preact's automatic runtime, so no framework
// plugin is needed; nothing is fetched at run time (no CDN, no web fonts).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('./src/web/app'),
  base: '/console/',
  publicDir: false,
  clearScreen: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: here('./dist/console'),
    emptyOutDir: true,
    target: 'es2022',
    // One small bundle: the whole app is a few tens of KB compressed.
    chunkSizeWarningLimit: 400,
  },
});
