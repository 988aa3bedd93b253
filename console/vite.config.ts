import { createHash } from 'node:crypto';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * Cloudscape's global styles embed eight Open Sans faces as base64 data URLs: 140 KB of the 206 KB of
 * gzipped CSS every view would load before its first paint, although a screen draws with two or three of
 * them. This moves each face into its own hashed file under assets/, so the stylesheet is 66 KB gzipped and
 * the browser downloads only the faces it renders, in parallel, cached for a year (docs/PERFORMANCE.md).
 */
function extractEmbeddedFonts(): Plugin {
  const dataUrl = /url\((['"]?)data:font\/woff2;base64,([A-Za-z0-9+/=]+)\1\)/g;
  return {
    name: 'extract-embedded-fonts',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const asset of Object.values(bundle)) {
        if (asset.type !== 'asset' || !asset.fileName.endsWith('.css') || typeof asset.source !== 'string') continue;
        asset.source = asset.source.replace(dataUrl, (_match, _quote, base64: string) => {
          const source = Buffer.from(base64, 'base64');
          const hash = createHash('sha256').update(source).digest('hex').slice(0, 10);
          const fileName = `assets/font-${hash}.woff2`;
          if (!bundle[fileName]) this.emitFile({ type: 'asset', fileName, source });
          // The stylesheet lives in assets/ too.
          return `url(./font-${hash}.woff2)`;
        });
      }
    },
  };
}

/**
 * The console is a static SPA: `dist/` is served by the local stack (scripts/local/console-server.ts) and by
 * CloudFront in a stage. Its runtime settings (API URL, Cognito ids) come from `/config.json`, written by
 * whoever serves it, so one build runs anywhere. Screens other than sign-in and Users are separate chunks
 * loaded on demand (console/src/app/router.tsx).
 */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), extractEmbeddedFonts()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 2_000,
  },
});
