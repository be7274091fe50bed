import { resolve } from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "electron-vite";

// One build for every entry point: the Electron main process, the headless CLI (which shares
// the gateway code with it), the preload bridge and the renderer.
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve("src/main/index.ts"),
          cli: resolve("src/main/cli/main.ts"),
        },
        // A native addon finds its binary relative to its own package: it cannot be bundled.
        // (Only regular dependencies are kept external by default; keytar is optional.)
        external: ["@github/keytar"],
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve("src/preload/index.ts") },
        // Sandboxed preload scripts cannot be ES modules.
        output: { format: "cjs", entryFileNames: "[name].cjs" },
      },
    },
  },
  renderer: {
    root: resolve("src/renderer"),
    build: {
      rollupOptions: { input: { index: resolve("src/renderer/index.html") } },
      minify: true,
    },
    plugins: [react()],
  },
});
