/**
 * Builds the playground into ../dist-web (static files: `optlab serve` or any static server can host them).
 * The page and its workers import the numerical core straight from ../src (its `.js` imports resolve to the
 * `.ts` sources); nothing is loaded from a CDN.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const web = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root: web,
  base: './',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: `${repo}dist-web`,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
    reportCompressedSize: false,
    // Vega is most of the bundle; rolldown's plugin-timing notice is noise here.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  worker: { format: 'es' },
  server: { fs: { allow: [repo] } },
});
