import { GraphQLSchema } from "graphql";
import { applyMiddleware } from "graphql-middleware";
import { deny, or, shield } from "graphql-shield";
import { ForbiddenError } from "../../errors/gateway-error";
import { isAdmin, isApplicant, isAuthenticated, isLender, isThisLender } from "./rules";

/**
 * Fields of other types that only admins may read. Shield wraps just these (not every field of
 * their types): a lender reaches its own Lender object through its leads, and sees these as
 * null with FORBIDDEN.
 */
const ADMIN_ONLY_FIELDS = {
  Lender: {
    apiKeys: isAdmin,
    dailyReadBudget: isAdmin,
    identityReadsToday: isAdmin,
    pendingChanges: isAdmin,
    publicKeys: isAdmin,
  },
} as const;

/**
 * Fields an admin reads, and the lender they describe reads of itself (its own Lender, reached
 * through its leads or its profile); another lender sees them null with FORBIDDEN.
 */
const ADMIN_OR_OWN_LENDER_FIELDS = {
  Lender: {
    webhookEndpoints: or(isAdmin, isThisLender),
  },
} as const;

const GUARDED_FIELDS = {
  Lender: { ...ADMIN_ONLY_FIELDS.Lender, ...ADMIN_OR_OWN_LENDER_FIELDS.Lender },
} as const;

/**
 * Who may call which root field, and the admin-only fields above. Anything not listed on the
 * root types is denied (`fallbackRule: deny`), so a new operation is closed until a rule here
 * opens it. Row scope (own leads, own applications) and identity fields are src/privacy's.
 */
const permissions = shield(
  {
    ...GUARDED_FIELDS,
    Query: {
      viewer: isAuthenticated,
      myApplications: isApplicant,
      application: or(isApplicant, isAdmin),
      myAccessLog: isApplicant,
      myData: isApplicant,
      consentNotice: isApplicant,
      leads: isLender,
      lead: isLender,
      lenders: isAdmin,
      lenderAnomalies: isAdmin,
      lender: isAdmin,
      auditLog: isAdmin,
      referralReport: isAdmin,
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
      createLender: isAdmin,
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
 * Applies the rules to the root types and to the admin-only fields only. Shield would otherwise
 * wrap every field of every type, which doubles list latency (graphql-shield #416, #812, #1522)
 * and guards nothing more.
 */
export function applyOperationPermissions(schema: GraphQLSchema): GraphQLSchema {
  const generated = permissions.generate(schema) as Record<string, Record<string, unknown>>;
  const guarded: Record<string, Record<string, unknown>> = { Query: generated.Query, Mutation: generated.Mutation };
  for (const [type, fields] of Object.entries(GUARDED_FIELDS)) {
    guarded[type] = Object.fromEntries(Object.keys(fields).map(field => [field, generated[type][field]]));
  }
  return applyMiddleware(schema, guarded as never);
}
