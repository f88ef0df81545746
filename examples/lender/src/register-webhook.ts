import type { GatewayClient } from "./gateway-client";
import { type LenderEventType, RegisterWebhookEndpointDocument, type RegisterWebhookEndpointMutation } from "./generated/graphql";

export type RegisteredEndpoint = RegisterWebhookEndpointMutation["registerWebhookEndpoint"];

/**
 * Step 0 of push delivery: register the URL of the receiver (`createWebhookHandler`) for the
 * events it handles. The answer holds the signing secret, once: give it to the receiver and keep
 * it as a secret (the gateway never shows it again; `rotateWebhookSecret` issues a new one). In
 * production the URL must be https to a public address.
 */
export async function registerWebhook(client: GatewayClient, url: string, events: LenderEventType[]): Promise<RegisteredEndpoint> {
  const data = await client.request(RegisterWebhookEndpointDocument, { url, events });
  return data.registerWebhookEndpoint;
}
