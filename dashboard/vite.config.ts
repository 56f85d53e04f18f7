import { defineConfig } from 'vite';

/** `npm run dashboard:dev` proxies the API to a running `mien serve` (MIEN_URL, default http://127.0.0.1:8080). */
const server = process.env.MIEN_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  build: { target: 'es2022', sourcemap: true },
  server: {
    proxy: {
      '/api': server,
      '/readyz': server,
      '/events': { target: server, ws: true },
    },
  },
});
