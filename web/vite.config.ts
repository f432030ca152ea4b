import { defineConfig } from "vite";

// The build is plain static files (dist/): the local runner serves them, the CDK app uploads them.
// No inline scripts or styles are emitted, so the page keeps a strict Content Security Policy.
export default defineConfig({
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    // hls.js (~600 kB) is its own chunk, loaded only by the lesson screen.
    chunkSizeWarningLimit: 700,
  },
});
