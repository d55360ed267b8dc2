// Build config for the agent desktop. Run from the repo root:
//   npx vite build --config agent-desktop/vite.config.ts
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const desktopRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const backend = 'http://127.0.0.1:8080';

export default defineConfig({
  root: desktopRoot,
  base: '/',
  // Keep the dev pre-bundle cache next to the desktop instead of in the shared root node_modules.
  cacheDir: 'node_modules/.vite',
  // Vite 8 transforms TSX with oxc; without @vitejs/plugin-react we must ask for the automatic runtime ourselves.
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // antd alone is ~700 kB minified; the desktop is an intranet app loaded once per shift.
    chunkSizeWarningLimit: 1000,
    rolldownOptions: {
      // the agent desktop, and the public citizen phone page (served at /citizen) without the desktop's code
      input: { main: fileURLToPath(new URL('index.html', import.meta.url)), citizen: fileURLToPath(new URL('citizen.html', import.meta.url)) },
      onwarn(warning, warn) {
        // antd marks every module "use client" for React Server Components; meaningless in a SPA.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
      output: {
        // Vendors change far less often than the app: separate chunks stay cached across deploys.
        codeSplitting: {
          groups: [
            { name: 'antd', test: /node_modules[\\/](antd|@ant-design|rc-[^\\/]+|@rc-component)[\\/]/ },
            { name: 'vendor', test: /node_modules[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    host: '127.0.0.1',
    // The shared contracts live one level up.
    fs: { allow: [repoRoot] },
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/socket.io': { target: backend, ws: true, changeOrigin: false },
    },
  },
  preview: {
    host: '127.0.0.1',
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/socket.io': { target: backend, ws: true, changeOrigin: false },
    },
  },
});
