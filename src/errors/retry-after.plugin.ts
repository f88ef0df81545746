import type { ApolloServerPlugin } from "@apollo/server";
import { ErrorCode, SERVICE_UNAVAILABLE_RETRY_SECONDS } from "./gateway-error";

/**
 * Every 429 and 503 answer of /graphql carries `Retry-After` (seconds). Our own errors bring
 * status and header with them (GatewayError's `extensions.http`). A driver error that
 * formatError turned into SERVICE_UNAVAILABLE (an outage or lock conflict met by a resolver) has
 * neither: its response becomes 503 here, as a ServiceUnavailableError's would. The daily read
 * budget's RATE_LIMITED is a field's error in an answered page and keeps its 200.
 */
export const retryAfterPlugin: ApolloServerPlugin<object> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        const errors = response.body.kind === "single" ? response.body.singleResult.errors ?? [] : [];
        if (!response.http.status && errors.some(error => error.extensions?.code === ErrorCode.SERVICE_UNAVAILABLE)) {
          response.http.status = 503;
        }
        if ((response.http.status === 429 || response.http.status === 503) && !response.http.headers.has("retry-after")) {
          const hinted = errors.map(error => error.extensions?.retryAfterSeconds).find((value): value is number => typeof value === "number");
          response.http.headers.set("retry-after", String(hinted ?? SERVICE_UNAVAILABLE_RETRY_SECONDS));
        }
      },
    };
  },
};
