import type { GatewayClient } from "./gateway-client";
import { MakeOfferDocument, type MakeOfferInput, type MakeOfferMutation } from "./generated/graphql";

export type MadeOffer = MakeOfferMutation["makeOffer"];

/**
 * Step 3: an offer on a lead (APR in percent, above 0 and at most 36; amount at most what was
 * applied for; term 1 to 360 months). A second offer on the same lead revises the first. A bad
 * input is refused as BAD_USER_INPUT naming `field`, and nothing is written.
 */
export async function makeOffer(client: GatewayClient, input: MakeOfferInput): Promise<MadeOffer> {
  const data = await client.request(MakeOfferDocument, { input });
  return data.makeOffer;
}
