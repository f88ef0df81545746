import type { GatewayClient } from "./gateway-client";
import { GatewayRequestError } from "./gateway-client";
import { LeadIdentityDocument } from "./generated/graphql";

export const IDENTITY_FIELDS = ["fullName", "nationalId", "phone", "email"] as const;
export type IdentityField = (typeof IDENTITY_FIELDS)[number];

/**
 * Why a field was withheld: the gateway's FORBIDDEN reasons (NO_CONSENT, CONSENT_WITHDRAWN,
 * CONSENT_EXPIRED, CONSENT_TERMINATED, CATEGORY_NOT_CONSENTED, PARTNER_NOT_PERMITTED,
 * LENDER_SUSPENDED), or DAILY_READ_BUDGET when today's identity reads are used up (RATE_LIMITED:
 * try again after midnight UTC, not in a loop).
 */
export interface DeniedField {
  field: IdentityField;
  code: "FORBIDDEN" | "RATE_LIMITED";
  reason: string;
}

export interface IdentityRead {
  leadId: string;
  /** Only the fields the applicant consented to and an admin permitted; every one is in the applicant's access log. */
  granted: Partial<Record<IdentityField, string>>;
  denied: DeniedField[];
}

/**
 * Step 4: the applicant's identity, after it chose this lender. Each field is decided on its
 * own: a page can hold granted and denied fields side by side, and a denial is a field error at
 * `lead.application.applicant.<field>`, never a failed request. Every read, granted or denied,
 * is written to the applicant's access log, so read only what the application needs.
 */
export async function readIdentity(client: GatewayClient, leadId: string): Promise<IdentityRead> {
  const { data, errors } = await client.execute(LeadIdentityDocument, { id: leadId });
  if (!data.lead) throw new GatewayRequestError("NOT_FOUND", undefined, 200, "id");
  const applicant = data.lead.application.applicant;
  const read: IdentityRead = { leadId, granted: {}, denied: [] };
  for (const field of IDENTITY_FIELDS) {
    const value = applicant[field];
    if (value !== null) {
      read.granted[field] = value;
      continue;
    }
    const error = errors.find(candidate => candidate.path?.[candidate.path.length - 1] === field);
    const code = error?.extensions?.code;
    // No error: the applicant gave no value (e-mail is optional).
    if (!error) continue;
    if (code !== "FORBIDDEN" && code !== "RATE_LIMITED") throw new GatewayRequestError(code ?? "UNKNOWN", error.extensions?.reason, 200, field);
    read.denied.push({ field, code, reason: error.extensions?.reason ?? "UNSPECIFIED" });
  }
  return read;
}
