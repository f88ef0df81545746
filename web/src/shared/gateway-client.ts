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

/** What the pages read of a failed operation (urql's CombinedError has this shape). */
export interface OperationError {
  graphQLErrors: ReadonlyArray<{ extensions?: Record<string, unknown> }>;
  networkError?: Error;
}

/** The first error code of a failed operation, for messages and tests (never its text). */
export function errorCode(error: OperationError | undefined): string | null {
  if (!error) return null;
  const code = error.graphQLErrors.map(graphQLError => graphQLError.extensions?.code).find(value => typeof value === "string");
  if (typeof code === "string") return code;
  return error.networkError ? "NETWORK_ERROR" : "UNKNOWN";
}

/** The reason a refusal carries in `extensions.reason` (e.g. SAME_ADMIN, CONSENT_WITHDRAWN), if any. */
export function refusalReason(error: OperationError): string | null {
  const reason = error.graphQLErrors.map(graphQLError => graphQLError.extensions?.reason).find(value => typeof value === "string");
  return typeof reason === "string" ? reason : null;
}

/**
 * What a page says of a failed operation: the refusal's reason if the page has words for it,
 * else its code if it has words for that, else null (the page then names the code).
 */
export function failureKey(error: OperationError, hasWords: (key: string) => boolean): string | null {
  return [refusalReason(error), errorCode(error)].find((key): key is string => key !== null && hasWords(key)) ?? null;
}
