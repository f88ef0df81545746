import { ApolloServer, HeaderMap } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from "@apollo/server/plugin/disabled";
import { GraphQLSchema } from "graphql";
import { randomUUID } from "node:crypto";
import { IncomingMessage, Server, ServerResponse, createServer } from "node:http";
import { AddressInfo } from "node:net";
import { DataSource } from "typeorm";
import { authenticate } from "./auth/authenticate";
import { isDatabaseUnavailable, isLockConflict, rethrowUnavailable } from "./errors/database-availability";
import { issueAccessToken } from "./auth/oauth-token";
import { isMetricsScraper } from "./auth/metrics-scraper";
import { DEADLINE_PASSED, runWithinRequest, withinDeadline } from "./common/deadline";
import type { GatewayConfig } from "./config";
import type { GatewayContext } from "./context";
import { createContext } from "./request-context";
import { AccessRecordWriter } from "./privacy/access-log-writer";
import { createIdentityProviderTokens } from "./identity-provider/token-verifier";
import { hardenedApolloOptions, hardeningPlugins } from "./limits/apollo-hardening";
import { type RequestQuota, QuotaService, rateLimitHeaders } from "./quotas/quota.service";
import { ErrorCode, SERVICE_UNAVAILABLE_RETRY_SECONDS, ServiceUnavailableError, UnauthenticatedError } from "./errors/gateway-error";
import { retryAfterPlugin } from "./errors/retry-after.plugin";
import { RateLimitedError } from "./errors/rate-limited.error";
import { createErrorFormatter } from "./format-error";
import { printContract } from "./schema-sdl";
import type { Logger } from "./logging/logger";
import { requestLogPlugin } from "./logging/request-log.plugin";
import { metricsRegistry } from "./metrics/metrics";
import { trackDatabasePool } from "./metrics/pool-metrics";
import { RequestObservation, observeContext, requestMetricsPlugin } from "./metrics/request-metrics";
import { HttpDrain } from "./operations/http-drain";
import { createReadinessCheck } from "./operations/readiness";
import { TransparencyLog } from "./transparency-log/transparency-log";
import { answerTransparency } from "./transparency-log/transparency-http";
import { scheduleSequencer } from "./transparency-log/sequencer-schedule";
import { accessLeafHash } from "./transparency-log/leaf-encoding";
import { scheduleWebhookDelivery } from "./webhooks/delivery-schedule";
import { createWebPages } from "./web-pages/web-pages";

export interface RunningGateway {
  url: string;
  port: number;
  /** Stops accepting, waits up to `graceMs` for in-flight requests, then closes every connection. */
  stop(graceMs?: number): Promise<void>;
}

class BodyTooLargeError extends Error {}

/** Every /graphql response: nothing of it may be stored by a browser or a shared cache. */
const NO_STORE = "no-store";

/** `limit` in bytes (MAX_BODY_BYTES): a larger body is refused before parsing. */
function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLargeError());
        // Stop keeping the body but let the client read the 413 (the socket closes after it).
        request.removeAllListeners("data");
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/** The `Retry-After` of every 503 written here (the GraphQL ones carry it from ServiceUnavailableError). */
const RETRY_AFTER_UNAVAILABLE = { "retry-after": String(SERVICE_UNAVAILABLE_RETRY_SECONDS) };

/** Bytes: a token request is a few form fields and one assertion. */
const TOKEN_REQUEST_MAX_BYTES = 16 * 1024;

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...headers, "content-type": "application/json; charset=utf-8" });
  response.end(JSON.stringify(body));
}

export async function startGateway(
  config: GatewayConfig,
  dataSource: DataSource,
  schema: GraphQLSchema,
  logger: Logger,
  port = config.port,
  host = "0.0.0.0",
): Promise<RunningGateway> {
  const production = config.nodeEnv === "production";
  // The contract as `npm run schema:emit` writes it (schema/schema.graphql), printed once.
  const publishedSchema = printContract(schema);
  const webPages = createWebPages(config.webPages);
  const apollo = new ApolloServer<GatewayContext>({
    schema,
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // Automatic persisted queries keep documents in one cache shared by every caller: a hash
    // registered by one principal would answer another's. Clients send the document itself.
    persistedQueries: false,
    ...hardenedApolloOptions(config.security),
    formatError: createErrorFormatter(logger),
    plugins: [
      requestMetricsPlugin,
      requestLogPlugin(logger),
      retryAfterPlugin,
      ...hardeningPlugins(config.security),
      // We set no cache hints, and the implicit cache-control plugin's per-field hook makes
      // Apollo wrap every resolver of every response (profiled: ~5 % of a page of 100 leads).
      // Usage reporting would send operation traces to a third party: never wanted here.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ...(production ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
  });
  await apollo.start();
  const quotas = await QuotaService.start(config.security, dataSource, logger);
  const identityProviders = createIdentityProviderTokens(config.identityProviders, config.identityProviderKeys, logger);
  const transparency = new TransparencyLog(dataSource, config.transparency);
  // One connection on SQLite; a few of the pool's on MySQL, so that a slow write does not hold every request.
  const accessLog = new AccessRecordWriter(dataSource, dataSource.options.type === "mysql" ? 4 : 1, accessLeafHash);
  const sequencer = scheduleSequencer(dataSource, config.transparency.mergeDelayMs, logger);
  const webhooks = scheduleWebhookDelivery(dataSource, config.webhooks, config.piiKeyring, logger);

  async function handleGraphQL(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    // Set first, so every answer carries it, those written below as well as the 413 and 500 of
    // handle(): a response may hold identity, and no cache (browser, proxy) may keep one.
    response.setHeader("cache-control", NO_STORE);
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    let body: unknown = undefined;
    if (request.method === "POST") {
      const raw = await readBody(request, config.security.maxBodyBytes);
      if ((headers.get("content-type") ?? "").includes("application/json")) {
        try {
          body = raw === "" ? undefined : JSON.parse(raw);
        } catch {
          sendJson(response, 400, { errors: [{ message: "Request body is not valid JSON", extensions: { code: "BAD_REQUEST" } }] });
          return;
        }
      } else {
        body = raw;
      }
    }
    const requestId = randomUUID();
    const started = Date.now();
    const observation = new RequestObservation();
    let quota: RequestQuota | null = null;
    // Visible to every transaction of the request: a conflict is re-run only while the deadline allows.
    const scope = { deadlineAt: started + config.requestTimeoutSeconds * 1000, operation: () => observation.operation };
    const execution = runWithinRequest(scope, () => apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method ?? "GET", headers, search: url.search, body },
      context: async () => {
        const now = new Date();
        const principal = await authenticate(request.headers.authorization, config, dataSource, now, identityProviders).catch(rethrowUnavailable);
        quota = await quotas.admitRequest(principal, now).catch(error => {
          if (error instanceof RateLimitedError) quota = quotas.exhaustedRequestQuota(error);
          return observation.refused(error);
        });
        return observeContext(createContext(dataSource, principal, requestId, now, config, { quotas, transparency, accessLog }), observation);
      },
    }));
    const result = await withinDeadline(execution, config.requestTimeoutSeconds * 1000);
    response.setHeader("x-request-id", requestId);
    // A lender's answers state its request quota, the 429 included (IETF httpapi RateLimit fields).
    if (quota) for (const [name, value] of Object.entries(rateLimitHeaders(quota))) response.setHeader(name, value);
    if (result === DEADLINE_PASSED) {
      // A database that hangs instead of refusing (a frozen server, a dead network path) would
      // hold the request for as long as TCP waits. The client gets a retryable answer instead;
      // the work itself may still finish later, like any operation cut off by an outage (a
      // submission retried with its idempotencyKey is not stored twice). Identity is released
      // only by the execution's own response, so nothing is released here.
      logger.warn("request_deadline_exceeded", { requestId, timeoutSeconds: config.requestTimeoutSeconds });
      observation.outcome = ErrorCode.SERVICE_UNAVAILABLE;
      sendJson(response, 503, { errors: [{ message: new ServiceUnavailableError().message, extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } }] }, RETRY_AFTER_UNAVAILABLE);
      observation.finish(503);
      return;
    }
    for (const [name, value] of result.headers) response.setHeader(name, value);
    // Apollo sets its own on some answers (`private, no-cache, must-revalidate`); ours is stricter.
    response.setHeader("cache-control", NO_STORE);
    response.statusCode = result.status ?? 200;
    if (result.body.kind === "complete") {
      response.end(result.body.string);
    } else {
      for await (const chunk of result.body.asyncIterator) response.write(chunk);
      response.end();
    }
    // The HTTP view (status, including 401/429 decided before execution) beside the operation log line.
    logger.debug("graphql_http", { requestId, status: response.statusCode, durationMs: Date.now() - started });
    observation.finish(response.statusCode);
  }

  /** POST /oauth/token (src/auth/oauth-token.ts): form-encoded in, JSON out, never cached. */
  async function handleTokenRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const headers = { "cache-control": NO_STORE, pragma: "no-cache" };
    if (request.method !== "POST") {
      response.setHeader("allow", "POST");
      return sendJson(response, 405, { error: "invalid_request" }, headers);
    }
    const raw = await readBody(request, TOKEN_REQUEST_MAX_BYTES);
    if (!(request.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
      return sendJson(response, 400, { error: "invalid_request" }, headers);
    }
    try {
      const answer = await issueAccessToken(dataSource, new URLSearchParams(raw), config.gatewayIssuer, new Date());
      sendJson(response, answer.status, answer.body, headers);
    } catch (error) {
      if (!isDatabaseUnavailable(error) && !isLockConflict(error)) throw error;
      sendJson(response, 503, { error: "temporarily_unavailable" }, { ...headers, ...RETRY_AFTER_UNAVAILABLE });
    }
  }

  /** GET /transparency/… (src/transparency-log/transparency-http.ts): the log's checkpoint, key, proofs and leaves. */
  async function handleTransparency(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    try {
      const answer = await answerTransparency(request, url, {
        log: transparency,
        dataSource,
        // A lender's leaf requests count against its request quota, as its GraphQL requests do.
        authenticate: async incoming => {
          const now = new Date();
          const principal = await authenticate(incoming.headers.authorization, config, dataSource, now, identityProviders).catch(rethrowUnavailable);
          await quotas.admitRequest(principal, now).catch(rethrowUnavailable);
          return principal;
        },
      });
      // The checkpoint and proofs change as the log grows; a leaf is one principal's to see.
      response.writeHead(answer.status, { "content-type": answer.contentType, "cache-control": NO_STORE });
      response.end(request.method === "HEAD" ? undefined : answer.body);
    } catch (error) {
      if (error instanceof UnauthenticatedError) {
        response.setHeader("www-authenticate", "Bearer");
        return sendJson(response, 401, { error: "a leaf is shown only with credentials allowed to see its record" }, { "cache-control": NO_STORE });
      }
      if (error instanceof RateLimitedError) {
        const retryAfter = String(error.extensions.retryAfterSeconds ?? 60);
        return sendJson(response, 429, { error: `rate limited: ${error.reason}` }, { "cache-control": NO_STORE, "retry-after": retryAfter });
      }
      if (error instanceof ServiceUnavailableError || isDatabaseUnavailable(error) || isLockConflict(error)) {
        return sendJson(response, 503, { error: "temporarily unavailable" }, { "cache-control": NO_STORE, ...RETRY_AFTER_UNAVAILABLE });
      }
      throw error;
    }
  }

  /**
   * GET /schema.graphql: the published SDL with its @pii directives, to any authenticated caller
   * in every mode. Integrators read from it which fields need consent; introspection stays
   * closed in production. A lender's request counts against its request quota.
   */
  async function handleSchema(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const headers: Record<string, string> = { "cache-control": NO_STORE };
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.setHeader("allow", "GET, HEAD");
      return sendJson(response, 405, { error: "method not allowed" }, headers);
    }
    try {
      const now = new Date();
      const principal = await authenticate(request.headers.authorization, config, dataSource, now, identityProviders).catch(rethrowUnavailable);
      const quota = await quotas.admitRequest(principal, now).catch(rethrowUnavailable);
      if (quota) Object.assign(headers, rateLimitHeaders(quota));
    } catch (error) {
      if (error instanceof UnauthenticatedError) {
        return sendJson(response, 401, { error: "credentials required" }, { ...headers, "www-authenticate": "Bearer" });
      }
      if (error instanceof RateLimitedError) {
        const limited = { ...headers, ...rateLimitHeaders(quotas.exhaustedRequestQuota(error)), "retry-after": String(error.retryAfterSeconds) };
        return sendJson(response, 429, { error: `rate limited: ${error.reason}` }, limited);
      }
      if (error instanceof ServiceUnavailableError) {
        return sendJson(response, 503, { error: "temporarily unavailable" }, { ...headers, ...RETRY_AFTER_UNAVAILABLE });
      }
      throw error;
    }
    response.writeHead(200, { ...headers, "content-type": "text/plain; charset=utf-8" });
    response.end(request.method === "HEAD" ? undefined : publishedSchema);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://gateway.invalid");
    try {
      if (await webPages(request, response, url)) return;
      if (url.pathname === "/graphql") return await handleGraphQL(request, response, url);
      if (url.pathname === "/oauth/token") return await handleTokenRequest(request, response);
      if (url.pathname === "/schema.graphql") return await handleSchema(request, response);
      if (url.pathname.startsWith("/transparency/")) return await handleTransparency(request, response, url);
      if (url.pathname === "/healthz") return sendJson(response, 200, { status: "ok" });
      if (url.pathname === "/readyz") {
        const report = await checkReadiness();
        return sendJson(response, report.status === "ready" ? 200 : 503, report);
      }
      if (url.pathname === "/metrics") {
        if (config.metricsToken !== null && !isMetricsScraper(request.headers.authorization, config.metricsToken)) {
          response.setHeader("www-authenticate", "Bearer");
          return sendJson(response, 401, { error: "unauthorized" });
        }
        response.writeHead(200, { "content-type": metricsRegistry.contentType });
        return void response.end(await metricsRegistry.metrics());
      }
      sendJson(response, 404, { error: "not found" });
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        response.setHeader("connection", "close");
        return sendJson(response, 413, { errors: [{ message: "Request body too large", extensions: { code: "BAD_REQUEST" } }] });
      }
      logger.error("http_error", { path: url.pathname, errorName: error instanceof Error ? error.name : typeof error });
      if (!response.headersSent) sendJson(response, url.pathname === "/readyz" ? 503 : 500, { error: "internal error" });
      else response.end();
    }
  }

  const server: Server = createServer((request, response) => {
    drain.track(request, response);
    void handle(request, response);
  });
  const drain = new HttpDrain(server);
  const checkReadiness = createReadinessCheck(dataSource, () => drain.isDraining, quotas);
  const untrackPool = trackDatabasePool(dataSource);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actualPort}/graphql`,
    port: actualPort,
    async stop(graceMs = 0) {
      const { completed, abandoned } = await drain.drain(graceMs);
      if (!completed) logger.warn("shutdown_grace_expired", { abandonedRequests: abandoned });
      await sequencer.stop();
      await webhooks.stop();
      untrackPool();
      await apollo.stop();
      await quotas.close();
    },
  };
}
