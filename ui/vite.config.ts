import { defineConfig } from "vitest/config";

// Built assets are plain files under dist/ that the Tauri shell embeds. The
// app runs under `default-src 'self'`, so nothing may be inlined: the
// module-preload polyfill (an inline helper) is off and assets are never
// turned into data: URLs.
export default defineConfig({
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    host: "127.0.0.1",
    strictPort: true,
  },
  preview: {
    host: "127.0.0.1",
  },
  test: {
    environment: "jsdom",
    include: ["test/**/*.test.ts"],
  },
});
