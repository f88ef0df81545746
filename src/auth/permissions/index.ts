import { GraphQLSchema } from "graphql";
import { applyMiddleware } from "graphql-middleware";
import { deny, or, shield } from "graphql-shield";
import { ForbiddenError } from "../../errors/gateway-error";
import { isAdmin, isApplicant, isAuthenticated, isLender, isTheLenderItself } from "./rules";

/**
 * Fields of other types guarded one by one. Shield wraps just these (not every field of their
 * types). A lender reaches Lender objects through its leads and `myLender`: its own profile's
 * fields below it reads; another lender's, never (null with FORBIDDEN). Which staff member acted
 * is for admins only: a lender reads its pending changes and the admin actions concerning it,
 * not who requested, decided or did them.
 */
const FIELD_RULES = {
  Lender: {
    apiKeys: or(isAdmin, isTheLenderItself),
    dailyReadBudget: or(isAdmin, isTheLenderItself),
    identityReadsToday: or(isAdmin, isTheLenderItself),
    pendingChanges: or(isAdmin, isTheLenderItself),
    publicKeys: or(isAdmin, isTheLenderItself),
    adminActions: or(isAdmin, isTheLenderItself),
    // Its endpoints' health, never a secret.
    webhookEndpoints: or(isAdmin, isTheLenderItself),
  },
  AdminChange: {
    requestedBy: isAdmin,
    decidedBy: isAdmin,
  },
  AdminAction: {
    actor: isAdmin,
  },
} as const;

/**
 * Who may call which root field, and the guarded fields above. Anything not listed on the
 * root types is denied (`fallbackRule: deny`), so a new operation is closed until a rule here
 * opens it. Row scope (own leads, own applications) and identity fields are src/privacy's.
 */
const permissions = shield(
  {
    ...FIELD_RULES,
    Query: {
      viewer: isAuthenticated,
      myApplications: isApplicant,
      application: or(isApplicant, isAdmin),
      myAccessLog: isApplicant,
      myData: isApplicant,
      consentNotice: isApplicant,
      leads: isLender,
      lead: isLender,
      myLender: isLender,
      lenders: isAdmin,
      lenderAnomalies: isAdmin,
      lender: isAdmin,
      auditLog: isAdmin,
      referralReport: isAdmin,
      identityReadsByDay: isAdmin,
      adminChanges: isAdmin,
      adminActionLog: isAdmin,
      // Holds no personal data (a size and a root hash); GET /transparency/checkpoint serves it without credentials.
      transparencyCheckpoint: isAuthenticated,
      webhookEndpoints: isLender,
      webhookDeliveries: isLender,
    },
    Mutation: {
      submitApplication: isApplicant,
      chooseLender: isApplicant,
      withdrawConsent: isApplicant,
      withdrawApplication: isApplicant,
      eraseMyData: isApplicant,
      makeOffer: isLender,
      reportOutcome: isLender,
      declineLead: isLender,
      createLender: isAdmin,
      updateLender: isAdmin,
      // Narrows access (ends consents, revokes credentials): one admin suffices, as for a suspension.
      offboardLender: isAdmin,
      setLenderStatus: isAdmin,
      setFieldPermissions: isAdmin,
      issueApiKey: isAdmin,
      revokeApiKey: isAdmin,
      rotateApiKey: isAdmin,
      setLenderReadBudget: isAdmin,
      approveAdminChange: isAdmin,
      registerLenderPublicKey: isAdmin,
      revokeLenderPublicKey: isAdmin,
      rejectAdminChange: isAdmin,
      // Never an admin: the signing secret goes to the lender only.
      registerWebhookEndpoint: isLender,
      disableWebhookEndpoint: isLender,
      rotateWebhookSecret: isLender,
      redeliverWebhook: isLender,
    },
  },
  {
    fallbackRule: deny,
    fallbackError: () => new ForbiddenError("This operation is not allowed for your role"),
    // A database error inside a rule must surface as an error, not as a plain denial.
    allowExternalErrors: true,
  },
);

/**
 * Applies the rules to the root types and to the guarded fields only. Shield would otherwise
 * wrap every field of every type, which doubles list latency (graphql-shield #416, #812, #1522)
 * and guards nothing more.
 */
export function applyOperationPermissions(schema: GraphQLSchema): GraphQLSchema {
  const generated = permissions.generate(schema) as Record<string, Record<string, unknown>>;
  const guarded: Record<string, Record<string, unknown>> = { Query: generated.Query, Mutation: generated.Mutation };
  for (const [type, fields] of Object.entries(FIELD_RULES)) {
    guarded[type] = Object.fromEntries(Object.keys(fields).map(field => [field, generated[type][field]]));
  }
  return applyMiddleware(schema, guarded as never);
}
