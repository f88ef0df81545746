import { DataSource, IsNull, MoreThan } from "typeorm";
import { ApplicantRecord } from "../model/applicant.entity";
import { IDENTITY_FIELDS, SEALED_COLUMNS, openIdentityField } from "./applicant-identity-store";
import type { PiiKeyring } from "./encryption";

export interface RotationReport {
  currentKeyId: string;
  scanned: number;
  rotated: number;
  alreadyCurrent: number;
  /** Rows that changed between read and write (a new submission sealed them under the current key). */
  changedMeanwhile: number;
  /** The last applicant id handled: `--after` resumes from here. */
  lastId: string | null;
}

/**
 * Re-seals every identity value under the current key (and seals legacy plaintext), in
 * batches ordered by applicant id. Each row is rewritten only if it still holds what was read,
 * so it is safe alongside a running gateway; and it is resumable: a rerun skips rows already
 * current, and `after` starts past the last id a previous run reported.
 */
export async function rotateKeys(
  dataSource: DataSource,
  keyring: PiiKeyring,
  options: { batchSize?: number; after?: string | null; onBatch?: (report: RotationReport) => void } = {},
): Promise<RotationReport> {
  const batchSize = options.batchSize ?? 200;
  const report: RotationReport = {
    currentKeyId: keyring.currentKeyId, scanned: 0, rotated: 0, alreadyCurrent: 0, changedMeanwhile: 0, lastId: options.after ?? null,
  };
  const repository = dataSource.getRepository(ApplicantRecord);
  for (;;) {
    const batch = await repository.find({
      where: report.lastId === null ? {} : { id: MoreThan(report.lastId) },
      order: { id: "ASC" },
      take: batchSize,
    });
    if (batch.length === 0) break;
    for (const record of batch) {
      report.scanned += 1;
      report.lastId = record.id;
      const sealedNow = IDENTITY_FIELDS.map(field => record[SEALED_COLUMNS[field].property]);
      // The hash key derives from the current key: values sealed under it were hashed under it too.
      const hashPresent = record.nationalIdSealed === null || record.nationalIdHash !== null;
      if (sealedNow.every(stored => keyring.isCurrent(stored)) && hashPresent) {
        report.alreadyCurrent += 1;
        continue;
      }
      const update: Partial<ApplicantRecord> = {};
      for (const field of IDENTITY_FIELDS) {
        const plaintext = openIdentityField(keyring, record, field);
        (update as Record<string, string | null>)[SEALED_COLUMNS[field].property] =
          keyring.sealNullable(plaintext, { column: SEALED_COLUMNS[field].column, rowId: record.id });
        if (field === "nationalId") update.nationalIdHash = plaintext === null ? null : keyring.nationalIdHash(plaintext);
      }
      // Compare-and-set on what was read: a submission in between wins and is already current.
      const unchanged = Object.fromEntries(IDENTITY_FIELDS.map(field => {
        const property = SEALED_COLUMNS[field].property;
        return [property, record[property] ?? IsNull()];
      }));
      const result = await repository.update({ id: record.id, ...unchanged }, update);
      if ((result.affected ?? 0) === 1) report.rotated += 1;
      else report.changedMeanwhile += 1;
    }
    options.onBatch?.({ ...report });
  }
  return report;
}
