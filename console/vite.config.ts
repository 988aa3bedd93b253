import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The console is a static SPA: `dist/` is served by the local stack (scripts/local/console-server.ts) and by
 * CloudFront in a stage. Its runtime settings (API URL, Cognito ids) come from `/config.json`, written by
 * whoever serves it, so one build runs anywhere. Screens other than sign-in and Users are separate chunks
 * loaded on demand (console/src/app/router.tsx).
 */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 2_000,
  },
});
