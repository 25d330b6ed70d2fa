import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { precompress } from './precompress';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The review client: built into client/dist and served by the NestJS app at `/` (src/common/http-app.ts). */
export default defineConfig({
  root,
  plugins: [react(), precompress()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 800 },
  server: {
    port: 5173,
    proxy: { '/v1': 'http://localhost:3000' },
  },
  test: {
    root,
    environment: 'jsdom',
    include: ['src/**/*.test.tsx', 'src/**/*.test.ts'],
    css: false,
  },
});
