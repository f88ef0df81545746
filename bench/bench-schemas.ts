import { GraphQLSchema } from "graphql";
import { applyMiddleware } from "graphql-middleware";
import { allow, rule, shield } from "graphql-shield";
import { In } from "typeorm";
import { AccessOutcome, ReaderKind } from "../src/model/pii-access.type";
import { writeAccessRecords } from "../src/privacy/access-log-writer";
import { accessLeafHash } from "../src/transparency-log/leaf-encoding";
import { applyOperationPermissions } from "../src/auth/permissions";
import { GatewayConfig } from "../src/config";
import { Consent } from "../src/model/consent.entity";
import { GatewayContext } from "../src/context";
import { ForbiddenError } from "../src/errors/gateway-error";
import { decideLenderAccess } from "../src/privacy/consent-policy";
import { PiiCategory } from "../src/model/pii-category";
import type { PiiSubject } from "../src/privacy/field-access";
import { assertPiiPolicy } from "../src/privacy/pii-schema-check";
import { buildContractSchema, buildGatewaySchema } from "../src/schema";

/**
 * The schemas of rows 1–3. Only row 1 is the gateway; rows 2 and 3 exist to measure it against
 * and live here, outside src/, so no build of the gateway contains them and no setting turns
 * them on: a server gets them only by running this benchmark's code, which refuses production.
 */
export type SchemaRow = "full" | "unguarded" | "shield-per-field";

export async function buildBenchSchema(row: SchemaRow, config: Pick<GatewayConfig, "nodeEnv">): Promise<GraphQLSchema> {
  if (row === "full") return buildGatewaySchema();
  // Rows 2 and 3 read identity without the gateway's access rule: never in production.
  if (config.nodeEnv === "production") {
    throw new Error("The benchmark's comparison schemas (no @pii enforcement, per-field shield) refuse NODE_ENV=production");
  }
  const contract = await buildContractSchema();
  assertPiiPolicy(contract);
  if (row === "unguarded") return applyOperationPermissions(contract);
  return applyOperationPermissions(applyMiddleware(contract, perFieldShield()));
}

/**
 * The usual way, which the gateway replaces: a graphql-shield rule on every identity field,
 * each doing its own consent lookup and its own audit insert, and shield wrapping every field
 * of every type (the fallback rule applies to all of them).
 */
function perFieldShield() {
  const categoryRule = (category: PiiCategory) =>
    rule({ cache: "no_cache" })(async (subject: PiiSubject, _args, context: GatewayContext, info) => {
      const principal = context.principal;
      if (principal.kind === "applicant") return principal.subject === subject.applicantSubject;
      if (principal.kind !== "lender") return false;
      const consents = await context.dataSource
        .getRepository(Consent)
        .findBy({ lenderId: principal.lender.id, applicationId: In([subject.applicationId]) });
      const decision = decideLenderAccess(principal.lender, category, consents, context.now);
      // A record per field read: a rule sees one field at a time.
      await writeAccessRecords(context.dataSource, [{
        at: context.now,
        requestId: context.requestId,
        readerKind: ReaderKind.LENDER,
        readerSubject: null,
        credentialId: principal.credential.id,
        lenderId: principal.lender.id,
        applicantId: subject.applicantId,
        applicationId: subject.applicationId,
        reads: [{
          field: info.fieldName,
          category,
          outcome: decision.allowed ? AccessOutcome.GRANTED : AccessOutcome.DENIED,
          reason: decision.allowed ? null : decision.reason,
          consentId: decision.consentId,
        }],
      }], accessLeafHash);
      return decision.allowed ? true : new ForbiddenError(`Identity field not available: ${decision.reason}`, decision.reason);
    });
  return shield(
    {
      Applicant: {
        fullName: categoryRule(PiiCategory.NAME),
        nationalId: categoryRule(PiiCategory.NATIONAL_ID),
        phone: categoryRule(PiiCategory.PHONE),
        email: categoryRule(PiiCategory.EMAIL),
      },
    },
    { fallbackRule: allow, allowExternalErrors: true },
  );
}
