import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * Builds the control panel into `dist/panel` (served by the gateway's PanelModule): one page and
 * hashed files under `/assets/`, no inline script (the gateway's Content-Security-Policy forbids
 * it) and nothing fetched from another origin at run time.
 */
export default defineConfig({
  root: here,
  base: '/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/panel', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // The polyfill would be inlined into index.html; every browser the panel targets has it.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    target: 'es2022',
    reportCompressedSize: true,
  },
});
