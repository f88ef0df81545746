import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { type Connection, byCreated, connectionType, listOf, pageRequest } from "../common/relay-pagination";
import type { GatewayContext } from "../context";
import { Lender } from "../model/lender.entity";
import { RegisteredWebhookEndpoint, WebhookDelivery, WebhookEndpoint } from "../model/webhook.entity";
import { LenderEventType, WebhookDeliveryStatus } from "../model/webhook-vocabulary";
import { WebhookEndpointService } from "./webhook-endpoint.service";

export const WebhookDeliveryConnection = connectionType(WebhookDelivery, "WebhookDelivery");

function callingLenderId(context: GatewayContext): string {
  if (context.principal.kind !== "lender") throw new Error("unreachable: shield admits lenders only");
  return context.principal.lender.id;
}

function service(context: GatewayContext): WebhookEndpointService {
  return new WebhookEndpointService(context.dataSource, context.piiKeyring);
}

/** Lender only, own endpoints only: the secret goes to the lender and to no one else, admins included. */
@Resolver(_of => WebhookEndpoint)
export class WebhookResolver {
  @Mutation(_returns => RegisteredWebhookEndpoint, {
    description: "Lender: a new endpoint for the events named; its `whsec_` secret is in this response only. " +
      "The URL must be https to a public address (WEBHOOK_ALLOW_PRIVATE_URLS allows http and private addresses for local development).",
  })
  registerWebhookEndpoint(
    @Arg("url") url: string,
    @Arg("events", _type => [LenderEventType]) events: LenderEventType[],
    @Ctx() context: GatewayContext,
  ): Promise<RegisteredWebhookEndpoint> {
    return service(context).register(callingLenderId(context), url, events, context.webhookUrlPolicy, context.now);
  }

  @Query(_returns => [WebhookEndpoint], { description: "Lender: its own webhook endpoints, disabled ones included, oldest first (never their secrets)." })
  webhookEndpoints(@Ctx() context: GatewayContext): Promise<WebhookEndpoint[]> {
    return service(context).list(callingLenderId(context));
  }

  @Mutation(_returns => WebhookEndpoint, { description: "Lender: stop deliveries to an endpoint for good; its pending deliveries fail." })
  disableWebhookEndpoint(@Arg("id", _type => ID) id: string, @Ctx() context: GatewayContext): Promise<WebhookEndpoint> {
    return service(context).disable(callingLenderId(context), id, context.now);
  }

  @Mutation(_returns => RegisteredWebhookEndpoint, {
    description: "Lender: a new secret for an endpoint, shown once. The old one keeps signing beside it (two `v1,` signatures) for `graceHours` (0 to 720; 0: at once).",
  })
  rotateWebhookSecret(
    @Arg("id", _type => ID) id: string,
    @Arg("graceHours", _type => Int) graceHours: number,
    @Ctx() context: GatewayContext,
  ): Promise<RegisteredWebhookEndpoint> {
    return service(context).rotate(callingLenderId(context), id, graceHours, context.now);
  }

  @Query(_returns => WebhookDeliveryConnection, { description: "Lender: the deliveries to one of its endpoints, newest first." })
  webhookDeliveries(
    @Arg("endpointId", _type => ID) endpointId: string,
    @Ctx() context: GatewayContext,
    @Arg("status", _type => WebhookDeliveryStatus, { nullable: true }) status?: WebhookDeliveryStatus,
    @Arg("first", _type => Int, { nullable: true }) first?: number,
    @Arg("after", _type => String, { nullable: true }) after?: string,
  ): Promise<Connection<WebhookDelivery>> {
    const page = pageRequest(listOf("webhookDeliveries", byCreated, { endpointId, status }), first, after);
    return service(context).deliveries(callingLenderId(context), endpointId, status ?? null, page);
  }

  @Mutation(_returns => WebhookDelivery, { description: "Lender: send a delivery's event again now (a new delivery, the same `webhook-id`). The endpoint must be ACTIVE." })
  redeliverWebhook(@Arg("deliveryId", _type => ID) deliveryId: string, @Ctx() context: GatewayContext): Promise<WebhookDelivery> {
    return service(context).redeliver(callingLenderId(context), deliveryId, context.now);
  }
}

/** Lender.webhookEndpoints: the endpoints' health for an admin and for the lender itself (shield gates it); never a secret. */
@Resolver(_of => Lender)
export class LenderWebhookResolver {
  @FieldResolver(_returns => [WebhookEndpoint], {
    nullable: true,
    description: "Admin or this lender: its webhook endpoints and their health (URL, events, status, last success and failure, why disabled); never a secret. An admin sees each URL without its query string.",
  })
  async webhookEndpoints(@Root() lender: Lender, @Ctx() context: GatewayContext): Promise<WebhookEndpoint[]> {
    const endpoints = await service(context).list(lender.id);
    if (context.principal.kind !== "admin") return endpoints;
    // A receiver may take a token of its own in the query string; the operator's staff need the
    // endpoint's health, not that token.
    return endpoints.map(endpoint => Object.assign(Object.create(Object.getPrototypeOf(endpoint)), endpoint, { url: withoutQuery(endpoint.url) }));
  }
}

function withoutQuery(raw: string): string {
  const url = new URL(raw);
  return url.search === "" ? raw : `${url.origin}${url.pathname}`;
}
