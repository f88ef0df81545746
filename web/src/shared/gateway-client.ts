import { Client, cacheExchange, fetchExchange, mapExchange } from "urql";

/**
 * The GraphQL client of a signed-in page: same origin, the token as a bearer, every operation
 * as a POST (Apollo's CSRF protection refuses a GET without a preflight header). An
 * UNAUTHENTICATED answer (an expired or revoked token) ends the session.
 */
export function createGatewayClient(token: string, onUnauthenticated: () => void): Client {
  return new Client({
    url: "/graphql",
    preferGetMethod: false,
    requestPolicy: "cache-and-network",
    fetchOptions: () => ({ headers: { authorization: `Bearer ${token}` }, credentials: "omit" }),
    exchanges: [
      cacheExchange,
      mapExchange({
        onError(error) {
          const unauthenticated = error.response?.status === 401 ||
            error.graphQLErrors.some(graphQLError => graphQLError.extensions?.code === "UNAUTHENTICATED");
          if (unauthenticated) onUnauthenticated();
        },
      }),
      fetchExchange,
    ],
  });
}

/** The first error code of a failed operation, for messages and tests (never its text). */
export function errorCode(error: { graphQLErrors: ReadonlyArray<{ extensions?: Record<string, unknown> }>; networkError?: Error } | undefined): string | null {
  if (!error) return null;
  const code = error.graphQLErrors.map(graphQLError => graphQLError.extensions?.code).find(value => typeof value === "string");
  if (typeof code === "string") return code;
  return error.networkError ? "NETWORK_ERROR" : "UNKNOWN";
}
