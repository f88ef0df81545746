import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { type Connection, byCreated, connectionType, listOf, pageRequest, pastCreated, toConnection } from "../common/relay-pagination";
import type { GatewayContext } from "../context";
import { ApiKey, IssuedApiKey } from "../model/api-key.entity";
import { Lender, LenderCriteria } from "../model/lender.entity";
import { LenderStatus } from "../model/lender-status";
import { regionNameOf } from "../regions/region-lookup";
import { CreateLenderInput, UpdateLenderInput } from "./lender.inputs";
import { LenderService } from "./lender.service";
import { adminActorOf } from "../audit/admin-action-writer";
import { LenderPublicKey } from "../model/lender-public-key.entity";
import { refusePlatformKeysInProduction } from "./platform-keys";

export const LenderConnection = connectionType(Lender, "Lender");

@Resolver(_of => Lender)
export class LenderResolver {
  @Query(_returns => LenderConnection, { description: "Admin: every lender, oldest first; with `status`, only the lenders in it." })
  async lenders(
    @Ctx() context: GatewayContext,
    @Arg("first", _type => Int, { nullable: true }) first?: number,
    @Arg("after", _type => String, { nullable: true }) after?: string,
    @Arg("status", _type => LenderStatus, { nullable: true }) status?: LenderStatus,
  ): Promise<Connection<Lender>> {
    // The filter is part of the cursor's scope: a cursor of one status cannot page another.
    const page = pageRequest(listOf("lenders", byCreated, { status }), first, after);
    const byStatus = status ? { status } : {};
    const rows = await context.dataSource.getRepository(Lender).find({
      where: page.after ? pastCreated(page.after, "ASC").map(beyond => ({ ...beyond, ...byStatus })) : byStatus,
      order: { createdAt: "ASC", id: "ASC" },
      take: page.take + 1,
    });
    return toConnection(rows, page);
  }

  @Query(_returns => Lender, { nullable: true, description: "Admin: one lender." })
  lender(@Arg("id", _type => ID) id: string, @Ctx() context: GatewayContext): Promise<Lender> {
    return new LenderService(context.dataSource).get(id);
  }

  @Query(_returns => Lender, {
    description: "Lender: its own profile. Besides what admins see of every lender, the lender itself reads its daily read " +
      "budget and reads used today, its credentials (API keys and public keys: id, label, created, last use, revoked), " +
      "the changes pending on it and the admin actions concerning it (without who acted). Another lender's are never shown.",
  })
  myLender(@Ctx() context: GatewayContext): Lender {
    if (context.principal.kind !== "lender") throw new Error("unreachable: shield admits lenders only");
    return context.principal.lender;
  }

  @Mutation(_returns => Lender, {
    description: "Admin: change a lender's name, legal name, contact e-mail or criteria (each optional, validated as in " +
      "createLender; a bad one writes nothing). Consents already given keep the notice they were given with, word for word; " +
      "new notices name the new legal name and contact. An OFFBOARDED lender: BAD_USER_INPUT (LENDER_OFFBOARDED).",
  })
  updateLender(
    @Arg("lenderId", _type => ID) lenderId: string,
    @Arg("input") input: UpdateLenderInput,
    @Ctx() context: GatewayContext,
  ): Promise<Lender> {
    return new LenderService(context.dataSource).update(lenderId, input, adminActorOf(context));
  }

  @Mutation(_returns => Lender, {
    description: "Admin, final: the lender becomes OFFBOARDED. Its active consents end (TERMINATED, LENDER_OFFBOARDED), its " +
      "open leads close, its API keys, public keys and access tokens are revoked and every credential of it is refused from " +
      "its next request; it can never be reactivated. It narrows access, so one admin suffices. Repeating it changes nothing.",
  })
  offboardLender(@Arg("lenderId", _type => ID) lenderId: string, @Ctx() context: GatewayContext): Promise<Lender> {
    return new LenderService(context.dataSource).offboard(lenderId, adminActorOf(context));
  }

  @Mutation(_returns => Lender, { description: "Admin: onboard a lender. It starts ACTIVE with no identity category permitted." })
  createLender(@Arg("input") input: CreateLenderInput, @Ctx() context: GatewayContext): Promise<Lender> {
    return new LenderService(context.dataSource).create(input, adminActorOf(context));
  }

  @Mutation(_returns => IssuedApiKey, {
    description: "Admin, development only: a new platform-issued API key for a lender; the secret is in this response only. " +
      "In production FORBIDDEN (PLATFORM_ISSUED_KEYS_DISABLED): lenders register their own public keys.",
    deprecationReason: "The admin would hold the lender's secret. Register the lender's own public key (registerLenderPublicKey) and use POST /oauth/token.",
  })
  issueApiKey(
    @Arg("lenderId", _type => ID) lenderId: string,
    @Ctx() context: GatewayContext,
    @Arg("label", _type => String, { nullable: true }) label?: string,
    @Arg("expiresAt", _type => Date, { nullable: true, description: "Optional: the key is refused from this instant." }) expiresAt?: Date,
  ): Promise<IssuedApiKey> {
    refusePlatformKeysInProduction(context);
    return new LenderService(context.dataSource).issueApiKeyAs(adminActorOf(context), lenderId, label ?? null, expiresAt ?? null);
  }

  @Mutation(_returns => ApiKey, {
    description: "Admin: revoke a key; its next request is UNAUTHENTICATED. The keys it replaced by rotation, still in their grace period, are revoked with it.",
  })
  revokeApiKey(@Arg("id", _type => ID) id: string, @Ctx() context: GatewayContext): Promise<ApiKey> {
    return new LenderService(context.dataSource).revokeApiKey(id, adminActorOf(context));
  }

  @Mutation(_returns => LenderPublicKey, { description: "Admin: revoke a lender's public key at once; its access tokens are refused on their next use." })
  revokeLenderPublicKey(@Arg("id", _type => ID) id: string, @Ctx() context: GatewayContext): Promise<LenderPublicKey> {
    return new LenderService(context.dataSource).revokePublicKey(id, adminActorOf(context));
  }

  @FieldResolver(_returns => [LenderPublicKey], { description: "Admins and the lender itself: the public keys the lender registered, pending or active or revoked, with their last use." })
  publicKeys(@Root() lender: Lender, @Ctx() context: GatewayContext): Promise<LenderPublicKey[]> {
    return new LenderService(context.dataSource).listPublicKeys(lender.id);
  }

  @FieldResolver(_returns => LenderCriteria)
  criteria(@Root() lender: Lender): LenderCriteria {
    const { minAmount, maxAmount, minTermMonths, maxTermMonths, servedRegionCodes } = lender;
    // Stored as codes, shown by name; every stored code names a division (the service and the
    // migration write no other), so the fallback to the code is for a hand-edited row only.
    const cities = servedRegionCodes?.map(code => regionNameOf(code) ?? code) ?? null;
    return { minAmount, maxAmount, minTermMonths, maxTermMonths, cities };
  }

  @FieldResolver(_returns => [ApiKey], { nullable: true, description: "Admins and the lender itself: the lender's API keys (never their secrets), with their last use." })
  apiKeys(@Root() lender: Lender, @Ctx() context: GatewayContext): Promise<ApiKey[]> {
    return new LenderService(context.dataSource).listKeys(lender.id);
  }
}
