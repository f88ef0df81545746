import { ApplicantRecord } from "../src/model/applicant.entity";
import { IdentityField, SEALED_COLUMNS, openIdentityField } from "../src/privacy/applicant-identity-store";
import { PiiKeyring } from "../src/privacy/encryption";

/**
 * How the floor turns a stored applicant row into an identity value: the same work the
 * gateway does after its gate allowed the read (values are sealed at rest, so: decrypt).
 */
export type IdentityOpener = (applicantRow: Record<string, any> | undefined, field: string) => string | null;

export function createIdentityOpener(keyring: PiiKeyring): IdentityOpener {
  return (row, field) => {
    if (!row) return null;
    const identityField = field as IdentityField;
    const record = { id: row.id, [SEALED_COLUMNS[identityField].property]: row[SEALED_COLUMNS[identityField].column] } as unknown as ApplicantRecord;
    return openIdentityField(keyring, record, identityField);
  };
}
