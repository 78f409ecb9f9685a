import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The dashboards. `npm run build` writes web/dist, which the Hono server serves at `/`.
// In development, `npx vite --config web/vite.config.ts` proxies the API to a running server.
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1024 },
  server: {
    proxy: { '/v1': 'http://127.0.0.1:3000', '/r': 'http://127.0.0.1:3000', '/log': 'http://127.0.0.1:3000' },
    fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] },
  },
});
