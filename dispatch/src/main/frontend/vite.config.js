import { resolve } from "node:path";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The Maven build passes --outDir target/classes/public, so the pages end up in the jar: the hero
// page (index.html, served at /) and the operator dashboard (admin.html, served at /admin).
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "../../../target/classes/public",
    emptyOutDir: true,
    rollupOptions: {
      input: { main: resolve(import.meta.dirname, "index.html"), admin: resolve(import.meta.dirname, "admin.html") },
    },
  },
  server: { proxy: { "/socket": { target: "ws://localhost:4000", ws: true }, "/api": "http://localhost:4000" } },
});
