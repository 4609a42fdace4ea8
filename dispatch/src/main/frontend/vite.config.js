import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The Maven build passes --outDir target/classes/public, so the page ends up in the jar.
export default defineConfig({
  plugins: [react()],
  build: { outDir: "../../../target/classes/public", emptyOutDir: true },
  server: { proxy: { "/socket": { target: "ws://localhost:4000", ws: true }, "/api": "http://localhost:4000" } },
});
