import { Ctx, Query, Resolver } from "type-graphql";
import type { GatewayContext } from "../context";

@Resolver()
export class TransparencyResolver {
  @Query(_returns => String, {
    description: "The transparency log's latest checkpoint: a C2SP tlog-checkpoint signed note (origin, size, base64 root hash, signature), " +
      "as GET /transparency/checkpoint serves it. Verify it with the key of GET /transparency/key.",
  })
  transparencyCheckpoint(@Ctx() context: GatewayContext): Promise<string> {
    return context.transparency.signedCheckpoint();
  }
}
