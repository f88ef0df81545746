import { Ctx, Field, ID, ObjectType, Query, Resolver } from "type-graphql";
import type { GatewayContext } from "../context";
import { Role, roleOf } from "../model/principal";

@ObjectType({ description: "Who is calling." })
export class Viewer {
  @Field(_type => ID, { description: "Applicant or admin: the token's subject; lender: the lender id." }) id: string;
  @Field(_type => Role) role: Role;
}

@Resolver()
export class ViewerResolver {
  @Query(_returns => Viewer, { description: "Any authenticated caller: who am I." })
  viewer(@Ctx() context: GatewayContext): Viewer {
    const principal = context.principal;
    const id = principal.kind === "lender" ? principal.lender.id : principal.subject;
    return { id, role: roleOf(principal) };
  }
}
