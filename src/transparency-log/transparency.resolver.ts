import { Ctx, Query, Resolver } from "type-graphql";
import type { GatewayContext } from "../context";
import { ServiceUnavailableError } from "../errors/gateway-error";
import { TreeHeadMismatchError } from "./sequencer";

@Resolver()
export class TransparencyResolver {
  @Query(_returns => String, {
    description: "The transparency log's latest checkpoint: a C2SP tlog-checkpoint signed note (origin, size, base64 root hash, signature), " +
      "as GET /transparency/checkpoint serves it. Verify it with the key of GET /transparency/key.",
  })
  async transparencyCheckpoint(@Ctx() context: GatewayContext): Promise<string> {
    try {
      return await context.transparency.signedCheckpoint();
    } catch (error) {
      // A head that does not match its stored tree is not signed; as on GET /transparency/checkpoint (503), not an internal error.
      if (error instanceof TreeHeadMismatchError) throw new ServiceUnavailableError();
      throw error;
    }
  }
}
