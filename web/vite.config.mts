import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * Two apps, built one at a time (`vite build --mode console`, `--mode privacy`): each is served
 * by the gateway under its own path with its own assets, so neither page loads the other's code.
 */
const APPS = ["console", "privacy"] as const;
const HERE = dirname(fileURLToPath(import.meta.url));

export default defineConfig(({ mode }) => {
  const app = APPS.find(name => name === mode);
  if (!app) throw new Error(`vite --mode must be one of ${APPS.join(", ")}`);
  return {
    root: resolve(HERE, app),
    base: `/${app}/`,
    plugins: [react()],
    // The gateway replaces this placeholder with a fresh nonce in every response of index.html and
    // names the same nonce in its Content-Security-Policy; Vite puts it on the tags it writes and
    // in <meta property="csp-nonce">, where the component library's style tags take it from.
    html: { cspNonce: "GATEWAY_CSP_NONCE" },
    build: {
      outDir: resolve(HERE, "dist", app),
      emptyOutDir: true,
      // Inlined assets would be data: URLs, which the policy does not allow for scripts.
      assetsInlineLimit: 0,
      chunkSizeWarningLimit: 2000,
    },
    server: { proxy: { "/graphql": "http://localhost:4000", "/transparency": "http://localhost:4000" } },
  };
});
