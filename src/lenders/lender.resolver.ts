import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { type Connection, byCreated, connectionType, listOf, pageRequest, pastCreated, toConnection } from "../common/relay-pagination";
import type { GatewayContext } from "../context";
import { PiiCategory } from "../model/pii-category";
import { ApiKey, IssuedApiKey } from "../model/api-key.entity";
import { LenderStatus } from "../model/lender-status";
import { Lender } from "../model/lender.entity";
import { CreateLenderInput } from "./lender.inputs";
import { LenderService } from "./lender.service";

export const LenderConnection = connectionType(Lender, "Lender");

@Resolver(_of => Lender)
export class LenderResolver {
  @Query(_returns => LenderConnection, { description: "Admin: every lender, oldest first." })
  async lenders(
    @Ctx() context: GatewayContext,
    @Arg("first", _type => Int, { nullable: true }) first?: number,
    @Arg("after", _type => String, { nullable: true }) after?: string,
  ): Promise<Connection<Lender>> {
    const page = pageRequest(listOf("lenders", byCreated), first, after);
    const rows = await context.dataSource.getRepository(Lender).find({
      ...(page.after ? { where: pastCreated(page.after, "ASC") } : {}),
      order: { createdAt: "ASC", id: "ASC" },
      take: page.take + 1,
    });
    return toConnection(rows, page);
  }

  @Query(_returns => Lender, { nullable: true, description: "Admin: one lender." })
  lender(@Arg("id", _type => ID) id: string, @Ctx() context: GatewayContext): Promise<Lender> {
    return new LenderService(context.dataSource).get(id);
  }

  @Mutation(_returns => Lender, { description: "Admin: onboard a lender. It starts ACTIVE with no identity category permitted." })
  createLender(@Arg("input") input: CreateLenderInput, @Ctx() context: GatewayContext): Promise<Lender> {
    return new LenderService(context.dataSource).create(input, context.now);
  }

  @Mutation(_returns => Lender, { description: "Admin: suspend or reactivate. A suspended lender gets no leads and no identity." })
  setLenderStatus(
    @Arg("lenderId", _type => ID) lenderId: string,
    @Arg("status", _type => LenderStatus) status: LenderStatus,
    @Ctx() context: GatewayContext,
  ): Promise<Lender> {
    return new LenderService(context.dataSource).setStatus(lenderId, status, context.now);
  }

  @Mutation(_returns => Lender, { description: "Admin: the identity categories this lender may ever receive (replaces the set)." })
  setFieldPermissions(
    @Arg("lenderId", _type => ID) lenderId: string,
    @Arg("categories", _type => [PiiCategory]) categories: PiiCategory[],
    @Ctx() context: GatewayContext,
  ): Promise<Lender> {
    return new LenderService(context.dataSource).setPermittedCategories(lenderId, categories);
  }

  @Mutation(_returns => IssuedApiKey, { description: "Admin: a new API key for a lender; the secret is in this response only." })
  issueApiKey(
    @Arg("lenderId", _type => ID) lenderId: string,
    @Ctx() context: GatewayContext,
    @Arg("label", _type => String, { nullable: true }) label?: string,
    @Arg("expiresAt", _type => Date, { nullable: true, description: "Optional: the key is refused from this instant." }) expiresAt?: Date,
  ): Promise<IssuedApiKey> {
    return new LenderService(context.dataSource).issueApiKey(lenderId, label ?? null, context.now, expiresAt ?? null);
  }

  @Mutation(_returns => ApiKey, {
    description: "Admin: revoke a key; its next request is UNAUTHENTICATED. The keys it replaced by rotation, still in their grace period, are revoked with it.",
  })
  revokeApiKey(@Arg("id", _type => ID) id: string, @Ctx() context: GatewayContext): Promise<ApiKey> {
    return new LenderService(context.dataSource).revokeApiKey(id, context.now);
  }

  @FieldResolver(_returns => [ApiKey], { nullable: true, description: "Admin only: the lender's keys (never their secrets)." })
  apiKeys(@Root() lender: Lender, @Ctx() context: GatewayContext): Promise<ApiKey[]> {
    return new LenderService(context.dataSource).listKeys(lender.id);
  }
}
