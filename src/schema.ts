import { GraphQLSchema, specifiedDirectives } from "graphql";
import { DateTimeResolver } from "graphql-scalars";
import { buildSchema } from "type-graphql";
import { ApplicantRightsResolver } from "./applications/applicant-rights.resolver";
import { ApplicationResolver } from "./applications/application.resolver";
import { AuditResolver } from "./audit/audit.resolver";
import { AdminActionResolver, LenderAdminActionsResolver } from "./audit/admin-action.resolver";
import { AdminChangeResolver, LenderPendingChangesResolver } from "./admin-changes/admin-change.resolver";
import { applyOperationPermissions } from "./auth/permissions";
import { ViewerResolver } from "./auth/viewer.resolver";
import { ConsentResolver } from "./consents/consent.resolver";
import { LeadResolver, OfferResolver } from "./leads/lead.resolver";
import { LenderResolver } from "./lenders/lender.resolver";
import { ApiKeyResolver } from "./lenders/api-key.resolver";
import { QuotaResolver } from "./quotas/quota.resolver";
import { enforcePii } from "./privacy/pii-enforcement";
import { withPiiDirective } from "./privacy/pii-directive";
import { assertPiiPolicy } from "./privacy/pii-schema-check";
import { TransparencyResolver } from "./transparency-log/transparency.resolver";
import { LenderWebhookResolver, WebhookResolver } from "./webhooks/webhook.resolver";

/** The schema as published: types, resolvers and the @pii directive, before any enforcement. */
export async function buildContractSchema(): Promise<GraphQLSchema> {
  const built = await buildSchema({
    resolvers: [ViewerResolver, ApplicationResolver, LeadResolver, OfferResolver, ConsentResolver, LenderResolver, AuditResolver, ApplicantRightsResolver,
      QuotaResolver, ApiKeyResolver, AdminChangeResolver, LenderPendingChangesResolver, AdminActionResolver, LenderAdminActionsResolver, TransparencyResolver,
      WebhookResolver, LenderWebhookResolver],
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    directives: [...specifiedDirectives],
    validate: true,
    emitSchemaFile: false,
  });
  return withPiiDirective(built);
}

/**
 * The executable schema: the published one, checked against the personal-data policy, with
 * @pii enforced from the directives it carries and operation roles applied on root fields.
 */
export async function buildGatewaySchema(): Promise<GraphQLSchema> {
  const contract = await buildContractSchema();
  assertPiiPolicy(contract);
  return applyOperationPermissions(enforcePii(contract));
}
