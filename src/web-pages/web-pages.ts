import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { PAGE_SECURITY_HEADERS, contentSecurityPolicy, newNonce } from "./content-security-policy";
import { WEB_APPS, type WebApp, type WebPageSettings } from "./web-page-settings";

/** The placeholder Vite writes where each response's nonce goes (web/vite.config.mts). */
const NONCE_PLACEHOLDER = /GATEWAY_CSP_NONCE/g;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".json": "application/json; charset=utf-8",
};

export type WebPageHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<boolean>;

/**
 * GET /console/… and /privacy/…: the built apps. `assets/` are content-hashed files, cached for
 * good; `config.json` says how the page signs in; every other path is the app's index.html (its
 * router picks the page), with a fresh nonce in it and in its Content-Security-Policy. Answers
 * false for any other path.
 */
export function createWebPages(settings: WebPageSettings): WebPageHandler {
  const identityProviderOrigins = [...new Set([...WEB_APPS.flatMap(app => {
    const signIn = settings.signIn[app];
    return signIn.kind === "oidc" ? [new URL(signIn.authority).origin] : [];
  }), ...settings.signInOrigins])];
  // Read at every request (it is under a kilobyte): a rebuild of the pages renames the assets
  // it points to, and a cached copy would point at files that are gone.
  const index = (app: WebApp) => readFile(join(settings.directory, app, "index.html"), "utf8").catch(() => null);

  return async (request, response, url) => {
    const app = WEB_APPS.find(name => url.pathname === `/${name}` || url.pathname.startsWith(`/${name}/`));
    if (!app) return false;
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD", ...PAGE_SECURITY_HEADERS });
      response.end();
      return true;
    }
    if (url.pathname === `/${app}`) {
      response.writeHead(308, { location: `/${app}/${url.search}`, ...PAGE_SECURITY_HEADERS });
      response.end();
      return true;
    }
    const rest = url.pathname.slice(app.length + 2);
    if (rest === "config.json") {
      const body = JSON.stringify({ signIn: settings.signIn[app] });
      response.writeHead(200, { "content-type": CONTENT_TYPES[".json"], "cache-control": "no-store", ...PAGE_SECURITY_HEADERS });
      response.end(request.method === "HEAD" ? undefined : body);
      return true;
    }
    if (rest.startsWith("assets/")) {
      await sendAsset(request, response, join(settings.directory, app), rest);
      return true;
    }
    const html = await index(app);
    if (html === null) {
      response.writeHead(503, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...PAGE_SECURITY_HEADERS });
      response.end("The web pages are not built: run `npm run build -w web` (npm install does it).\n");
      return true;
    }
    const nonce = newNonce();
    response.writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy": contentSecurityPolicy(nonce, identityProviderOrigins),
      ...PAGE_SECURITY_HEADERS,
    });
    response.end(request.method === "HEAD" ? undefined : html.replace(NONCE_PLACEHOLDER, nonce));
    return true;
  };
}

/** A file under `<app>/assets/`, never above it; 404 for anything else. */
async function sendAsset(request: IncomingMessage, response: ServerResponse, appDirectory: string, relativePath: string): Promise<void> {
  const path = normalize(join(appDirectory, relativePath));
  const contentType = CONTENT_TYPES[extname(path)];
  const inside = path.startsWith(join(appDirectory, "assets") + sep);
  const body = inside && contentType ? await readFile(path).catch(() => null) : null;
  if (!body || !contentType) {
    response.writeHead(404, { "content-type": "text/plain; charset=utf-8", ...PAGE_SECURITY_HEADERS });
    response.end("not found\n");
    return;
  }
  response.writeHead(200, {
    "content-type": contentType,
    // Names carry a hash of the content: a new build has new names.
    "cache-control": "public, max-age=31536000, immutable",
    ...PAGE_SECURITY_HEADERS,
  });
  response.end(request.method === "HEAD" ? undefined : body);
}
