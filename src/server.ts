import { ApolloServer, HeaderMap } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { GraphQLSchema } from "graphql";
import { randomUUID } from "node:crypto";
import { IncomingMessage, Server, ServerResponse, createServer } from "node:http";
import { AddressInfo } from "node:net";
import { DataSource } from "typeorm";
import { authenticate } from "./auth/authenticate";
import { GatewayConfig } from "./config";
import { GatewayContext, createContext } from "./context";
import { createErrorFormatter } from "./format-error";
import { Logger } from "./logger";

/** Bytes; a GraphQL request larger than this is refused before parsing. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface RunningGateway {
  url: string;
  port: number;
  stop(): Promise<void>;
}

class BodyTooLargeError extends Error {}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLargeError());
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
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
  const apollo = new ApolloServer<GatewayContext>({
    schema,
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    formatError: createErrorFormatter(logger),
    plugins: production ? [ApolloServerPluginLandingPageDisabled()] : [],
  });
  await apollo.start();

  async function handleGraphQL(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    let body: unknown = undefined;
    if (request.method === "POST") {
      const raw = await readBody(request);
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
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method ?? "GET", headers, search: url.search, body },
      context: async () => {
        const now = new Date();
        const principal = await authenticate(request.headers.authorization, config, dataSource, now);
        return createContext(dataSource, principal, requestId, now, config);
      },
    });
    for (const [name, value] of result.headers) response.setHeader(name, value);
    response.setHeader("x-request-id", requestId);
    response.statusCode = result.status ?? 200;
    if (result.body.kind === "complete") {
      response.end(result.body.string);
    } else {
      for await (const chunk of result.body.asyncIterator) response.write(chunk);
      response.end();
    }
    logger.debug("graphql_request", { requestId, status: response.statusCode, durationMs: Date.now() - started });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://gateway.invalid");
    try {
      if (url.pathname === "/graphql") return await handleGraphQL(request, response, url);
      if (url.pathname === "/healthz") return sendJson(response, 200, { status: "ok" });
      if (url.pathname === "/readyz") {
        await dataSource.query("SELECT 1");
        return sendJson(response, 200, { status: "ready" });
      }
      sendJson(response, 404, { error: "not found" });
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        return sendJson(response, 413, { errors: [{ message: "Request body too large", extensions: { code: "BAD_REQUEST" } }] });
      }
      logger.error("http_error", { path: url.pathname, errorName: error instanceof Error ? error.name : typeof error });
      if (!response.headersSent) sendJson(response, url.pathname === "/readyz" ? 503 : 500, { error: "internal error" });
      else response.end();
    }
  }

  const server: Server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actualPort}/graphql`,
    port: actualPort,
    async stop() {
      const closed = new Promise<void>(resolve => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await apollo.stop();
    },
  };
}
