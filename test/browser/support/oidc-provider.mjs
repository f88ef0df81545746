// A real OpenID Connect provider for the browser tests (oidc-provider, an ESM package Jest does
// not load), run as a child process: `node oidc-provider.mjs`. It listens on a loopback port and
// prints {"issuer": "..."}; the test starts the gateway with that issuer, then writes the spec
// (below) as one line of JSON, naming the gateway's URLs; the provider prints {"ready": true}.
// Test-only: any login name signs in with any password on the library's development pages.
import { createServer } from "node:http";
import { createInterface } from "node:readline";
import { exportJWK, generateKeyPair } from "jose";
import Provider from "oidc-provider";

/**
 * spec: {
 *   audience: the resource asked for when a request names none,
 *   clients: [{ client_id, redirect_uris, post_logout_redirect_uris, accessTokenTtlSeconds? }]
 * }
 */
const server = createServer((_request, response) => {
  response.writeHead(503);
  response.end();
});
await new Promise(resolve => server.listen(0, "127.0.0.1", resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on("SIGTERM", () => process.exit(0));

const spec = JSON.parse(await new Promise(resolve => createInterface({ input: process.stdin }).once("line", resolve)));
const ttlOf = Object.fromEntries(spec.clients.map(client => [client.client_id, client.accessTokenTtlSeconds ?? 3600]));

const { privateKey } = await generateKeyPair("ES256", { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), alg: "ES256", use: "sig", kid: "test-signing-key" };

const provider = new Provider(issuer, {
  clients: spec.clients.map(({ accessTokenTtlSeconds: _ttl, ...client }) => ({
    ...client,
    // A browser app holds no secret: a public client, its code bound to the page by PKCE.
    token_endpoint_auth_method: "none",
    grant_types: ["authorization_code"],
    response_types: ["code"],
    id_token_signed_response_alg: "ES256",
  })),
  jwks: { keys: [signingKey] },
  cookies: { keys: ["test-only-cookie-key-0123456789"] },
  pkce: { methods: ["S256"], required: () => true },
  findAccount: (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id }) }),
  clientBasedCORS: () => true,
  // First-party clients: the account consents by signing in, so the tests see the login page only.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope("openid");
    grant.addResourceScope(ctx.oidc.params.resource ?? spec.audience, "gateway");
    await grant.save();
    return grant;
  },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => spec.audience,
      // Strict: the token request must name the resource again, or the token is not for the gateway.
      useGrantedResource: () => false,
      // Any resource the request names becomes the token's audience: the gateway decides whether it is its own.
      getResourceServerInfo: (_ctx, resource, client) => ({
        scope: "gateway",
        audience: resource,
        accessTokenFormat: "jwt",
        accessTokenTTL: ttlOf[client.clientId],
        jwt: { sign: { alg: "ES256" } },
      }),
    },
  },
});
server.removeAllListeners("request");
const handle = provider.callback();
// The browser asks every origin for an icon; an answer keeps a 404 out of the page's console.
server.on("request", (request, response) => {
  if (request.url === "/favicon.ico") return void response.writeHead(204).end();
  return handle(request, response);
});
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
