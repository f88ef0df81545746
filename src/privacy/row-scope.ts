import type { DataSource, EntityManager } from "typeorm";
import { NotFoundError } from "../errors/gateway-error";
import { ApplicantRecord } from "../model/applicant.entity";
import { Application } from "../model/application.entity";
import { Lead } from "../model/lead.entity";
import type { Principal } from "../model/principal";

/*
 * Row scope: which rows a caller reaches at all, decided before any field is read. A row out of
 * scope is reported as not existing (NOT_FOUND), never as forbidden, so ids cannot be probed.
 * The field rule (field-access.ts) then decides what of a reachable row's identity is shown.
 */

/** An application for its own applicant or an admin; anyone else is told it does not exist. */
export async function visibleApplication(source: DataSource | EntityManager, id: string, principal: Principal): Promise<Application> {
  const application = await source.getRepository(Application).findOneBy({ id });
  if (!application) throw new NotFoundError("Application");
  if (principal.kind === "admin") return application;
  if (principal.kind === "applicant" && application.applicantSubject === principal.subject) return application;
  throw new NotFoundError("Application");
}

/** A lead of this lender; another lender's lead does not exist for it. */
export async function ownLead(source: DataSource | EntityManager, id: string, lenderId: string): Promise<Lead> {
  const lead = await source.getRepository(Lead).findOneBy({ id, lenderId });
  if (!lead) throw new NotFoundError("Lead");
  return lead;
}

/** A lender sees only its own rows beneath an application (leads, consents); applicants and admins see all of them. */
export function lenderScopeOf(principal: Principal): string | undefined {
  return principal.kind === "lender" ? principal.lender.id : undefined;
}

/**
 * The identity rows of one person (one per application). Compared exactly in code as well as in
 * the column's collation: should a database ever match a lookalike subject, the person gets
 * fewer rows, never someone else's.
 */
export async function ownIdentityRows(
  source: DataSource | EntityManager,
  subject: string,
  select: { [K in keyof ApplicantRecord]?: true } = { id: true, subject: true },
): Promise<ApplicantRecord[]> {
  const rows = await source.getRepository(ApplicantRecord).find({ where: { subject }, select: { ...select, subject: true } });
  return rows.filter(row => row.subject === subject);
}
