import { DataSource, EntityManager } from "typeorm";
import type { PiiKeyring, SealContext } from "./encryption";
import { ApplicantRecord } from "../model/applicant.entity";

export interface IdentityValues {
  fullName: string;
  nationalId: string;
  phone: string;
  email: string | null;
}

export type IdentityField = keyof IdentityValues;

/** Entity property and column of each identity value; the column and row id are the AAD. */
export const SEALED_COLUMNS = {
  fullName: { property: "fullNameSealed", column: "full_name" },
  nationalId: { property: "nationalIdSealed", column: "national_id" },
  phone: { property: "phoneSealed", column: "phone" },
  email: { property: "emailSealed", column: "email" },
} as const satisfies Record<IdentityField, { property: keyof ApplicantRecord; column: string }>;

export const IDENTITY_FIELDS = Object.keys(SEALED_COLUMNS) as IdentityField[];

type SealedValues = Pick<ApplicantRecord, "fullNameSealed" | "nationalIdSealed" | "phoneSealed" | "emailSealed" | "nationalIdHash">;

function where(field: IdentityField, applicantId: string): SealContext {
  return { column: SEALED_COLUMNS[field].column, rowId: applicantId };
}

/** The columns to write for an applicant's identity: every value sealed, the ID number also hashed. */
export function sealIdentity(keyring: PiiKeyring, applicantId: string, identity: IdentityValues): SealedValues {
  return {
    fullNameSealed: keyring.seal(identity.fullName, where("fullName", applicantId)),
    nationalIdSealed: keyring.seal(identity.nationalId, where("nationalId", applicantId)),
    nationalIdHash: keyring.nationalIdHash(identity.nationalId),
    phoneSealed: keyring.seal(identity.phone, where("phone", applicantId)),
    emailSealed: keyring.sealNullable(identity.email, where("email", applicantId)),
  };
}

/** Opens one identity value. Call only after src/privacy allowed the read. Null once erased. */
export function openIdentityField(keyring: PiiKeyring, record: ApplicantRecord, field: IdentityField): string | null {
  const stored = record[SEALED_COLUMNS[field].property];
  return keyring.openNullable(stored, where(field, record.id));
}

/**
 * Identity rows holding this resident ID number, found by its keyed hash: nothing is decrypted.
 * One row per application, so one person (subject) may appear several times; group by `subject`.
 */
export function applicantsWithNationalId(
  source: DataSource | EntityManager,
  keyring: PiiKeyring,
  normalizedNationalId: string,
): Promise<ApplicantRecord[]> {
  return source.getRepository(ApplicantRecord).findBy({ nationalIdHash: keyring.nationalIdHash(normalizedNationalId) });
}

/** Every identity value and its hash destroyed; what erasure and retention write. */
export const ERASED_IDENTITY: SealedValues = {
  fullNameSealed: null,
  nationalIdSealed: null,
  nationalIdHash: null,
  phoneSealed: null,
  emailSealed: null,
};
